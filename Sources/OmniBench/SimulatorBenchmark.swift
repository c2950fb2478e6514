import Foundation
import OmniSim

/// Speed of the simulator: wall time against simulated time and events per second for one
/// experiment, a sweep of the same experiment over many seeds, and the cost of writing the HDF5
/// traces.
public enum SimulatorBenchmark {
    public struct Figures: Sendable {
        public var events: Int
        public var simulatedSeconds: Double
        public var wallSeconds: [Double]
        public var medianWall: Double { median(wallSeconds) }
        public var speedup: Double { simulatedSeconds / max(medianWall, 1e-12) }
        public var eventsPerSecond: Double { Double(events) / max(medianWall, 1e-12) }
    }

    /// Runs the experiment `repeats` times (simulation only, no files).
    public static func run(_ experiment: Experiment, repeats: Int) throws -> Figures {
        var walls: [Double] = []
        var last: ExperimentRun?
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            last = try ExperimentRunner.run(experiment)
            walls.append((ContinuousClock.now - start).seconds)
        }
        return Figures(events: last?.events ?? 0, simulatedSeconds: last?.simulatedSeconds ?? 0, wallSeconds: walls)
    }

    /// Runs `count` copies of the experiment with seeds 1...count; returns the total wall time.
    public static func sweep(_ experiment: Experiment, count: Int) throws -> (wallSeconds: Double, events: Int) {
        let start = ContinuousClock.now
        var events = 0
        for seed in 1...max(1, count) {
            var e = experiment
            e.seed = UInt64(seed)
            events += try ExperimentRunner.run(e).events
        }
        return ((ContinuousClock.now - start).seconds, events)
    }

    /// Median wall time of writing the results with and without the HDF5 traces, relative to
    /// the simulation itself.
    public static func traceOverhead(_ experiment: Experiment, repeats: Int, scratch: URL) throws -> (simulation: Double, hdf5: Double) {
        var sims: [Double] = [], writes: [Double] = []
        for i in 0..<repeats {
            let start = ContinuousClock.now
            let run = try ExperimentRunner.run(experiment)
            sims.append((ContinuousClock.now - start).seconds)
            let dir = scratch.appendingPathComponent("trace-overhead-\(i)")
            let t0 = ContinuousClock.now
            for result in run.results where result.feasible {
                guard let outcome = run.outcomes[result.strategy] else { continue }
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                try TraceExport.write(outcome, strategy: result.strategy, experiment: experiment,
                                      to: dir.appendingPathComponent(TraceExport.fileName(for: result.strategy)))
            }
            writes.append((ContinuousClock.now - t0).seconds)
            try? FileManager.default.removeItem(at: dir)
        }
        return (median(sims), median(writes))
    }
}
