import Foundation
import OmniEngine

/// The outcome of running every strategy of an experiment.
public struct ExperimentRun {
    public var results: [StrategyResult]
    public var outcomes: [String: SimulationOutcome]
    public var timelines: [String: [TimelineSpan]]
    /// Events processed over all strategies.
    public var events: Int
    /// Simulated seconds over all strategies.
    public var simulatedSeconds: Double
    /// With `check_tokens`: requests compared with a single-device run, and the mismatches.
    public var tokensChecked: Int = 0
    public var tokenMismatches: [String] = []
    /// Problems the researcher should see even with --quiet.
    public var warnings: [String] = []
    /// HDF5 traces already written while the run went on (with `traceDirectory`).
    public var traceFiles: [URL] = []
}

/// Runs an experiment: one simulation per strategy on the same workload, then the reports.
public enum ExperimentRunner {
    /// With `traceDirectory`, each strategy's HDF5 trace is written on a second thread while
    /// the next strategy simulates (the run returns once every file is complete).
    public static func run(_ e: Experiment, progress: ((String) -> Void)? = nil, traceDirectory: URL? = nil) throws -> ExperimentRun {
        let traceWriter = traceDirectory.flatMap { e.outputs.hdf5 ? BackgroundTraceWriter(directory: $0, experiment: e) : nil }
        let arrivals = WorkloadGenerator.arrivals(e.workload, nodes: e.devices.map(\.node), seed: e.seed)
        let checkpoint = try e.checkpoint.map { try Checkpoint(directory: $0) }
        let costModel = CostModel()
        let topology = makeTopology(e)
        var run = ExperimentRun(results: [], outcomes: [:], timelines: [:], events: 0, simulatedSeconds: 0)
        for (name, parameters) in e.strategies {
            let strategy = try PlacementStrategies.named(name, parameters: parameters)
            let label = parameters.isEmpty ? name : name + "(" + parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + ")"
            let context = PlacementContext(epoch: 1, maxContextTokens: e.engine.maxContext, concurrency: e.engine.kvReservedRequests)
            let placement: Placement
            do {
                placement = try strategy.place(model: e.model, modelName: e.modelName, dtypeBytes: e.weightBytes, topology: topology, context: context)
            } catch {
                progress?("\(label): infeasible: \(error.localizedDescription)")
                run.results.append(StrategyResult(strategy: label, feasible: false, infeasibleReason: error.localizedDescription))
                continue
            }
            var setup = SimulationSetup(modelName: e.modelName, model: e.model, weightBytes: e.weightBytes, devices: e.devices,
                                        defaultLink: e.defaultLink, strategy: strategy)
            setup.links = e.links
            setup.arrivals = arrivals
            setup.faults = e.faults
            setup.seed = e.seed
            setup.heartbeatSeconds = e.engine.heartbeatSeconds
            setup.peerTimeoutSeconds = e.engine.peerTimeoutSeconds
            setup.requestTimeoutSeconds = e.engine.requestTimeoutSeconds
            setup.maxActiveRequests = e.engine.maxActiveRequests
            setup.maxQueuedRequests = e.engine.maxQueuedRequests
            setup.maxContext = e.engine.maxContext
            setup.kvReservedRequests = e.engine.kvReservedRequests
            if e.useRealExecutor, let checkpoint {
                setup.executor = .real(checkpoint)
                setup.captureActivations = e.outputs.captureActivations
                setup.promptProvider = { index, count in promptTokens(index: index, count: count, vocab: e.model.vocabSize) }
            }
            let simulation = ClusterSimulation(setup: setup)
            var lastReport = -1
            simulation.onProgress = { done, total in
                let pct = total == 0 ? 100 : done * 100 / total
                if pct / 10 != lastReport / 10 { lastReport = pct; progress?("\(label): \(done)/\(total) requests") }
            }
            let outcome = simulation.run()
            run.events += outcome.eventsProcessed
            run.simulatedSeconds += outcome.simulatedSeconds
            run.outcomes[label] = outcome
            if outcome.activationsTruncated, let spec = e.outputs.captureActivations {
                run.warnings.append("\(label): activation capture stopped at its \(spec.maxBytes)-byte cap (outputs.capture_activations max=…); the trace holds what fit")
            }
            traceWriter?.write(outcome, strategy: label)
            let predicted = try? costModel.timePerOutputToken(placement, model: e.model, dtypeBytes: e.weightBytes, topology: topology,
                                                              contextLength: contextForPrediction(e))
            run.results.append(result(label: label, placement: outcome.placement ?? placement, outcome: outcome, experiment: e,
                                      costModel: costModel, predicted: predicted))
            run.timelines[label] = outcome.spans.map {
                TimelineSpan(node: $0.node.description, kind: $0.kind, request: $0.request?.description, start: $0.start, end: $0.end, label: $0.label)
            }
            if e.checkTokens, let checkpoint {
                let generator = try Generator(checkpoint: checkpoint)
                for record in outcome.requests {
                    guard case .completed? = record.outcome else { continue }
                    let prompt = promptTokensFor(record: record, arrivals: arrivals, vocab: e.model.vocabSize)
                    let a = arrivals[prompt.index]
                    let single = try generator.generate(GenerationRequest(promptTokens: prompt.tokens, maxTokens: a.maxTokens,
                                                                          sampling: a.sampling, stopTokenIds: Set(e.model.eosTokenIds)))
                    run.tokensChecked += 1
                    if single.tokens != record.tokens {
                        run.tokenMismatches.append("\(label) \(record.id): simulated \(record.tokens) vs omni generate \(single.tokens)")
                    }
                }
            }
        }
        if let traceWriter { run.traceFiles = try traceWriter.finish() }
        return run
    }

    /// Deterministic prompt tokens for request `index` (real executor).
    static func promptTokens(index: Int, count: Int, vocab: Int) -> [Int] {
        (0..<count).map { (index * 131 + $0 * 17 + 3) % max(1, vocab) }
    }

    static func promptTokensFor(record: SimulatedRequestRecord, arrivals: [SimulatedArrival], vocab: Int) -> (index: Int, tokens: [Int]) {
        // The simulation numbers requests per origin in arrival order; find the matching arrival.
        var seen: [NodeID: Int] = [:]
        for (i, a) in arrivals.enumerated() {
            let seq = seen[a.origin, default: 0]
            seen[a.origin] = seq + 1
            if a.origin == record.id.origin && UInt64(seq) == record.id.sequence {
                return (i, promptTokens(index: i, count: a.promptTokens, vocab: vocab))
            }
        }
        return (0, [])
    }

    static func contextForPrediction(_ e: Experiment) -> Int {
        switch e.workload.promptTokens {
        case .fixed(let n): return n
        case .uniform(let lo, let hi): return (lo + hi) / 2
        case .trace(let v): return v.reduce(0, +) / max(1, v.count)
        }
    }

    static func makeTopology(_ e: Experiment) -> Topology {
        var t = Topology(defaultLink: LinkProfile(latencySeconds: e.defaultLink.latencySeconds, bandwidthBytesPerSecond: e.defaultLink.bandwidthBytesPerSecond))
        for d in e.devices { t.update(d.node, profile: d.profile) }
        for (pair, spec) in e.links.sorted(by: { ($0.key.low, $0.key.high) < ($1.key.low, $1.key.high) }) {
            t.setLink(between: pair.low, and: pair.high, to: LinkProfile(latencySeconds: spec.latencySeconds, bandwidthBytesPerSecond: spec.bandwidthBytesPerSecond))
        }
        return t
    }

    static func result(label: String, placement: Placement, outcome: SimulationOutcome, experiment e: Experiment,
                       costModel: CostModel, predicted: Double?) -> StrategyResult {
        let n = placement.shards.count
        let rows = placement.shards.enumerated().map { i, s -> PlacementRow in
            let device = e.devices.first { $0.node == s.node }
            return PlacementRow(node: s.node.description, device: device?.profile.name ?? "?", firstLayer: s.start, lastLayer: s.end - 1,
                                weightBytes: costModel.weightBytes(e.model, dtypeBytes: e.weightBytes, layers: s.layers, isFirst: i == 0, isLast: i == n - 1),
                                kvBytes: outcome.peakKVBytes[s.node] ?? 0)
        }
        let requests = outcome.requests.map { r -> RequestRecord in
            var status = "completed", error: String? = nil
            switch r.outcome {
            case .completed?: break
            case .failed(let f)?: status = "failed"; error = f.message
            case nil: status = "failed"; error = "did not finish within the time limit"
            }
            return RequestRecord(id: r.id.description, origin: r.id.origin.description, arrival: r.arrival, firstToken: r.firstToken,
                                 finish: r.finish, promptTokens: r.promptTokens, outputTokens: r.tokens.count, status: status,
                                 error: error, tokenTimes: r.tokenTimes)
        }
        let devices = e.devices.map { d -> DeviceUsage in
            let row = rows.first { $0.node == d.node.description }
            return DeviceUsage(node: d.node.description, device: d.profile.name, busySeconds: outcome.busySeconds[d.node] ?? 0,
                               memoryUsedBytes: (row?.weightBytes ?? 0) + (row?.kvBytes ?? 0), memoryCapacityBytes: d.profile.availableMemoryBytes)
        }
        return StrategyResult(strategy: label, feasible: true, placement: rows, requests: requests, devices: devices,
                              simulatedSeconds: outcome.simulatedSeconds, predictedSecondsPerToken: predicted)
    }
}

extension ExperimentRunner {
    /// Writes summary.json/csv, the Chrome trace, the plots and the logs into `directory`.
    public static func write(_ run: ExperimentRun, experiment e: Experiment, to directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The Chrome trace and the timeline plots show the first spans of each strategy; the
        // HDF5 traces hold every span.
        var timelines: [String: [TimelineSpan]] = [:]
        if e.outputs.chromeTrace || e.outputs.plots {
            for (label, spans) in run.timelines {
                let ordered = spans.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
                timelines[label] = Array(ordered.prefix(e.outputs.maxTraceSpans))
            }
        }
        var files = try ReportBundle.write(to: directory, experiment: e.name, seed: e.seed, model: e.modelName,
                                           results: run.results, timelines: timelines)
        var log = ""
        for label in run.outcomes.keys.sorted() {
            log += "== \(label)\n"
            for line in run.outcomes[label]?.logs ?? [] { log += line + "\n" }
        }
        files += run.traceFiles
        if e.outputs.hdf5 && run.traceFiles.isEmpty {
            for result in run.results where result.feasible {
                guard let outcome = run.outcomes[result.strategy] else { continue }
                let url = directory.appendingPathComponent(TraceExport.fileName(for: result.strategy))
                try TraceExport.write(outcome, strategy: result.strategy, experiment: e, to: url)
                files.append(url)
            }
        }
        let tableURL = directory.appendingPathComponent("comparison.txt")
        try Data((ComparisonTable.render(results: run.results) + "\n").utf8).write(to: tableURL)
        files.append(tableURL)
        let logURL = directory.appendingPathComponent("events.log")
        try Data(log.utf8).write(to: logURL)
        files.append(logURL)
        return files.sorted { $0.path < $1.path }
    }
}

/// Writes HDF5 traces on its own thread, one strategy after another, while the caller goes on.
final class BackgroundTraceWriter: @unchecked Sendable {
    private let directory: URL
    private let experiment: Experiment
    private let queue = DispatchQueue(label: "omni-sim.trace-writer")
    private let lock = NSLock()
    private var files: [URL] = []
    private var failure: Error?

    init(directory: URL, experiment: Experiment) {
        self.directory = directory
        self.experiment = experiment
    }

    func write(_ outcome: SimulationOutcome, strategy: String) {
        queue.async { [self] in
            let url = directory.appendingPathComponent(TraceExport.fileName(for: strategy))
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try TraceExport.write(outcome, strategy: strategy, experiment: experiment, to: url)
                lock.lock(); files.append(url); lock.unlock()
            } catch {
                lock.lock(); if failure == nil { failure = error }; lock.unlock()
            }
        }
    }

    /// Waits for every file; throws the first error.
    func finish() throws -> [URL] {
        queue.sync {}
        lock.lock(); defer { lock.unlock() }
        if let failure { throw failure }
        return files.sorted { $0.path < $1.path }
    }
}
