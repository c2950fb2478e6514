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

    /// Runs `count` copies of the experiment with seeds 1...count, one per core at a time;
    /// returns the total wall time. Each run is single-threaded and independent.
    public static func sweep(_ experiment: Experiment, count: Int) throws -> (wallSeconds: Double, events: Int) {
        let start = ContinuousClock.now
        let n = max(1, count)
        let results = SweepResults(count: n)
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var seed = worker
            while seed < n {
                var e = experiment
                e.seed = UInt64(seed + 1)
                results.set(seed, Result { try ExperimentRunner.run(e).events })
                seed += workers
            }
        }
        var events = 0
        for r in results.all { events += try r.get() }
        return ((ContinuousClock.now - start).seconds, events)
    }

    /// Median wall time of the experiment without traces and with its HDF5 traces written as
    /// `omni-sim` writes them (on a second thread while the next strategy simulates).
    public static func traceOverhead(_ experiment: Experiment, repeats: Int, scratch: URL) throws -> (simulation: Double, withTraces: Double) {
        var plain: [Double] = [], traced: [Double] = []
        for i in 0..<repeats {
            var start = ContinuousClock.now
            _ = try ExperimentRunner.run(experiment)
            plain.append((ContinuousClock.now - start).seconds)
            let dir = scratch.appendingPathComponent("trace-overhead-\(UUID().uuidString)-\(i)")
            var e = experiment
            e.outputs.hdf5 = true
            start = ContinuousClock.now
            _ = try ExperimentRunner.run(e, traceDirectory: dir)
            traced.append((ContinuousClock.now - start).seconds)
            try? FileManager.default.removeItem(at: dir)
        }
        return (median(plain), median(traced))
    }
}

/// Results of a parallel sweep, one slot per run.
final class SweepResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Int, Error>]
    init(count: Int) { slots = Array(repeating: .success(0), count: count) }
    func set(_ i: Int, _ r: Result<Int, Error>) { lock.lock(); slots[i] = r; lock.unlock() }
    var all: [Result<Int, Error>] { lock.lock(); defer { lock.unlock() }; return slots }
}
