import Foundation
@testable import OmniEngine

/// Drives `Node` state machines directly, without sockets: messages wait in a pool and are
/// delivered in order, shuffled, or duplicated; compute runs on real executors; time moves only
/// when the harness says so.
final class NodeHarness {
    var nodes: [NodeID: Node] = [:]
    var executors: [NodeID: RealShardExecutor] = [:]
    var now: UInt64 = 0
    var pending: [(to: NodeID, event: NodeEvent)] = []
    var timers: [(node: NodeID, timer: NodeTimer, at: UInt64)] = []
    var delivered: [RequestID: [Int]] = [:]
    var deliveredLogprobs: [RequestID: [TokenLogprobs]] = [:]
    var outcomes: [RequestID: RequestOutcome] = [:]
    var logs: [String] = []
    var dead: Set<NodeID> = []
    var random = RandomStream(seed: 99)
    var shuffle = false
    var duplicateEvery = 0
    private var sent = 0

    init(ids: [String], checkpoint: Checkpoint, strategy: String = "uniform", memory: Int = 1 << 30,
             configure: (inout NodeConfiguration) -> Void = { _ in }) throws {
        for id in ids {
            let profile = DeviceProfile(id: id, name: "test device \(id)", totalMemoryBytes: memory, availableMemoryBytes: memory,
                                        processor: "test", cores: 2, peakFlops: .init(all: 1e11), memoryBandwidthBytesPerSecond: 1e10)
            var c = NodeConfiguration(id: NodeID(id), profile: profile, modelName: "llama", model: checkpoint.config,
                                      weightBytes: 4, strategy: try PlacementStrategies.named(strategy))
            c.maxContext = 64
            configure(&c)
            nodes[NodeID(id)] = Node(configuration: c)
            executors[NodeID(id)] = RealShardExecutor(checkpoint: checkpoint)
        }
        for id in nodes.keys.sorted() { apply(nodes[id]!.handle(.start, now: now), from: id) }
        for a in nodes.keys.sorted() { for b in nodes.keys.sorted() where a != b { pending.append((a, .peerConnected(b))) } }
        runUntilQuiet()
    }

    func apply(_ effects: [NodeEffect], from id: NodeID) {
        for e in effects {
            switch e {
            case .send(let to, let message):
                guard !dead.contains(to), !dead.contains(id) else { continue }
                pending.append((to, .message(from: id, message)))
                sent += 1
                if duplicateEvery > 0, sent % duplicateEvery == 0 { pending.append((to, .message(from: id, message))) }
            case .compute(let task):
                let output = executors[id]!.run(task)
                pending.append((id, .computeFinished(taskID: task.id, output)))
            case .releaseState(let r):
                executors[id]?.release(r)
            case .setTimer(let t, let at):
                timers.removeAll { $0.node == id && $0.timer == t }
                timers.append((id, t, at))
            case .cancelTimer(let t):
                timers.removeAll { $0.node == id && $0.timer == t }
            case .deliverToken(let r, _, let token, let logprobs):
                delivered[r, default: []].append(token)
                if let logprobs { deliveredLogprobs[r, default: []].append(logprobs) }
            case .finish(let r, let outcome):
                outcomes[r] = outcome
            case .disconnect:
                break
            case .log(let line):
                logs.append("\(id): \(line)")
            case .trace:
                break
            }
        }
    }

    /// Delivers pending events (in order, or shuffled) until none is left.
    func runUntilQuiet(limit: Int = 100_000) {
        var steps = 0
        while !pending.isEmpty, steps < limit {
            let index = shuffle ? Int(random.next() % UInt64(pending.count)) : 0
            let (to, event) = pending.remove(at: index)
            steps += 1
            guard !dead.contains(to), let node = nodes[to] else { continue }
            apply(node.handle(event, now: now), from: to)
        }
    }

    /// Moves the clock forward, firing due timers in time order.
    func advance(by nanoseconds: UInt64) {
        let end = now + nanoseconds
        while let next = timers.filter({ $0.at <= end && !dead.contains($0.node) }).min(by: { ($0.at, $0.node) < ($1.at, $1.node) }) {
            timers.removeAll { $0.node == next.node && $0.timer == next.timer }
            now = max(now, next.at)
            apply(nodes[next.node]!.handle(.timerFired(next.timer), now: now), from: next.node)
            runUntilQuiet()
        }
        now = end
    }

    func submit(_ request: ClientRequest, at node: String) {
        apply(nodes[NodeID(node)]!.handle(.clientRequest(request), now: now), from: NodeID(node))
    }

    func kill(_ id: String) {
        dead.insert(NodeID(id))
        pending.removeAll { $0.to == NodeID(id) }
    }
}
