import Foundation
import OmniEngine
import OmniTrace

/// What the live transport adds to each decoded token: the same greedy request decoded by one
/// node alone and by a ring of `nodes` nodes on loopback sockets (all in this process, real
/// frames, real handshakes), with the difference divided by the hops a token makes around the
/// ring.
public struct ClusterBenchmarkResult: Sendable, Codable {
    public var model: String
    public var nodes: Int
    public var decodeTokens: Int
    /// Median seconds per decoded token (first token to last), one node.
    public var singleNodeSecondsPerToken: Double
    /// Median seconds per decoded token, `nodes` nodes.
    public var clusterSecondsPerToken: Double
    /// Peer-to-peer messages on the critical path of one decoded token (one per ring edge).
    public var hopsPerToken: Int
    /// (cluster - single) / hops: loopback latency plus framing, per hop per token.
    public var addedSecondsPerHop: Double
}

/// Runs `ClusterBenchmarkResult` measurements. No timing is asserted anywhere: it prints figures.
public enum ClusterBenchmark {
    /// Why a benchmark run could not produce figures.
    public enum Failure: LocalizedError {
        case clusterDidNotForm(nodes: Int)
        case requestFailed(String)
        public var errorDescription: String? {
            switch self {
            case .clusterDidNotForm(let n): return "the \(n) benchmark nodes did not find each other within 20 s"
            case .requestFailed(let m): return "the benchmark request failed: \(m)"
            }
        }
    }

    final class Timeline: @unchecked Sendable {
        private let lock = NSLock()
        private var times: [UInt64] = []
        private var end: CompletionEvent?
        private let done = DispatchSemaphore(value: 0)
        func receive(_ e: CompletionEvent) {
            lock.lock()
            if case .token = e { times.append(DispatchTime.now().uptimeNanoseconds) } else { end = e }
            lock.unlock()
            if case .token = e {} else { done.signal() }
        }
        func wait(timeout: Double) -> (times: [UInt64], end: CompletionEvent?) {
            _ = done.wait(timeout: .now() + timeout)
            lock.lock(); defer { lock.unlock() }
            return (times, end)
        }
    }

    static func makeRuntimes(count: Int, checkpoint: Checkpoint, modelName: String, peersFile: String?) throws -> [LiveNodeRuntime] {
        let strategy = try PlacementStrategies.named("uniform")
        return (0..<count).map { i in
            let id = NodeID("bench-\(i)")
            let profile = DeviceProfile.thisMachine(id: id.rawValue)
            let node = NodeConfiguration(id: id, profile: profile, modelName: modelName, model: checkpoint.config,
                                         weightBytes: 4, strategy: strategy)
            let discovery: DiscoveryMode = peersFile.map { .manual(peersFile: $0) } ?? .none
            let settings = LiveNodeSettings(node: node, listen: IPv4Endpoint(address: 0x7f00_0001, port: 0), discovery: discovery)
            return LiveNodeRuntime(settings: settings, checkpoint: checkpoint, log: { _ in })
        }
    }

    /// Median seconds per decoded token for `repeats` greedy requests through the first runtime,
    /// after one unmeasured request (layers load, caches warm).
    static func secondsPerToken(_ runtime: LiveNodeRuntime, prompt: [Int], decodeTokens: Int, repeats: Int) throws -> Double {
        var samples: [Double] = []
        for run in 0...repeats {
            let timeline = Timeline()
            runtime.submit(ClientRequest(id: runtime.makeRequestID(), promptTokens: prompt, maxTokens: decodeTokens + 1, ignoreEOS: true)) {
                timeline.receive($0)
            }
            let (times, end) = timeline.wait(timeout: 600)
            guard case .finished? = end, let first = times.first, let last = times.last, times.count > 1 else {
                throw Failure.requestFailed("\(end.map { "\($0)" } ?? "no answer within 600 s")")
            }
            if run > 0 { samples.append(Double(last - first) / 1e9 / Double(times.count - 1)) }
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    public static func run(modelDirectory: URL, nodes: Int = 3, promptTokens: Int = 16, decodeTokens: Int = 64, repeats: Int = 3,
                           log: (String) -> Void) throws -> ClusterBenchmarkResult {
        let checkpoint = try Checkpoint(directory: modelDirectory)
        let name = modelDirectory.lastPathComponent
        let prompt = (0..<promptTokens).map { ($0 * 7 + 3) % checkpoint.config.vocabSize }

        let single = try makeRuntimes(count: 1, checkpoint: checkpoint, modelName: name, peersFile: nil)
        try single[0].start()
        defer { single[0].stop() }
        let one = try secondsPerToken(single[0], prompt: prompt, decodeTokens: decodeTokens, repeats: repeats)
        log(String(format: "  1 node: %.3f ms per token", one * 1e3))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("omni-cluster-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let peers = directory.appendingPathComponent("peers").path
        let ring = try makeRuntimes(count: nodes, checkpoint: checkpoint, modelName: name, peersFile: peers)
        for r in ring { try r.start() }
        defer { for r in ring { r.stop() } }
        let lines = ring.compactMap { $0.listenEndpoint.map { "\($0)\n" } }.joined()
        try Data(lines.utf8).write(to: URL(fileURLWithPath: peers))
        let deadline = Date(timeIntervalSinceNow: 20)
        while !ring.allSatisfy({ $0.snapshot().peers.count == nodes - 1 }) {
            guard Date() < deadline else { throw Failure.clusterDidNotForm(nodes: nodes) }
            usleep(20_000)
        }
        let many = try secondsPerToken(ring[0], prompt: prompt, decodeTokens: decodeTokens, repeats: repeats)
        log(String(format: "  %d nodes: %.3f ms per token", nodes, many * 1e3))
        let hops = nodes > 1 ? nodes : 0
        return ClusterBenchmarkResult(model: name, nodes: nodes, decodeTokens: decodeTokens, singleNodeSecondsPerToken: one,
                                      clusterSecondsPerToken: many, hopsPerToken: hops,
                                      addedSecondsPerHop: hops > 0 ? (many - one) / Double(hops) : 0)
    }
}

/// What `omni serve --trace` costs a node: decode tokens/s of one node with and without its
/// HDF5 trace recorder (alternating runs, medians).
public struct LiveTraceOverhead: Sendable {
    public var plainTokensPerSecond: Double
    public var tracedTokensPerSecond: Double
    public var traceEvents: Int
    /// Fraction of decode speed lost to tracing (negative: within noise).
    public var overhead: Double { 1 - tracedTokensPerSecond / plainTokensPerSecond }
}

extension ClusterBenchmark {
    public static func traceOverhead(modelDirectory: URL, decodeTokens: Int, repeats: Int, scratch: URL) throws -> LiveTraceOverhead {
        let checkpoint = try Checkpoint(directory: modelDirectory)
        let prompt = (0..<16).map { ($0 * 7 + 3) % checkpoint.config.vocabSize }
        let runtime = try makeRuntimes(count: 1, checkpoint: checkpoint, modelName: modelDirectory.lastPathComponent, peersFile: nil)[0]
        let file = scratch.appendingPathComponent("trace-overhead-\(UUID().uuidString).h5")
        defer { try? FileManager.default.removeItem(at: file) }
        let recorder = try LiveTraceRecorder(path: file.path, node: runtime.id, profile: runtime.settings.node.profile,
                                             command: "omni-bench cluster --trace-overhead", monotonicNow: runtime.now())
        let counter = EventCounter()
        let flusher = DispatchSource.makeTimerSource(queue: .global())
        flusher.schedule(deadline: .now() + 1, repeating: 1)
        flusher.setEventHandler { recorder.flushPending() }
        flusher.resume()
        defer { flusher.cancel(); recorder.close() }
        try runtime.start()
        defer { runtime.stop() }
        var plain: [Double] = [], traced: [Double] = []
        for _ in 0..<max(1, repeats) {
            runtime.onTrace = nil
            plain.append(1 / (try secondsPerToken(runtime, prompt: prompt, decodeTokens: decodeTokens, repeats: 1)))
            runtime.onTrace = { counter.add(); recorder.record($0) }
            traced.append(1 / (try secondsPerToken(runtime, prompt: prompt, decodeTokens: decodeTokens, repeats: 1)))
        }
        return LiveTraceOverhead(plainTokensPerSecond: median(plain), tracedTokensPerSecond: median(traced), traceEvents: counter.count)
    }
}

/// Counts trace events across threads.
final class EventCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add() { lock.lock(); value += 1; lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return value }
}
