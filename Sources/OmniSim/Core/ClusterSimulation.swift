import Foundation
import OmniEngine

/// What happened to one request in a simulated run (times in simulated seconds).
public struct SimulatedRequestRecord: Sendable {
    public var id: RequestID
    public var arrival: Double
    public var firstToken: Double?
    public var finish: Double?
    public var promptTokens: Int
    public var tokens: [Int] = []
    public var tokenTimes: [Double] = []
    public var outcome: RequestOutcome?
}

/// A span of activity on a node or link, for timelines and traces.
public struct SimulatedSpan: Sendable, Equatable {
    public var node: NodeID
    public var kind: String
    public var request: RequestID?
    public var start: Double
    public var end: Double
    public var label: String
    public var bytes: Int = 0
    public var layers: Range<Int>? = nil
    public var peer: NodeID? = nil
}

/// The result of running one setup.
public struct SimulationOutcome: Sendable {
    public var placement: Placement?
    public var placementError: String?
    public var requests: [SimulatedRequestRecord]
    public var spans: [SimulatedSpan]
    /// Seconds each node's device was computing.
    public var busySeconds: [NodeID: Double]
    public var logs: [String]
    /// Virtual time from cluster formation to the last event of the workload.
    public var simulatedSeconds: Double
    public var formationSeconds: Double
    public var eventsProcessed: Int
    public var peakKVBytes: [NodeID: Int]
    /// Hidden states captured at the layers asked for, by arrival index.
    public var activations: [CapturedActivation] = []
    /// The capture's size cap stopped it.
    public var activationsTruncated = false
}

/// Runs OMNI's real `Node` state machines inside a simulated network of simulated devices.
/// Single-threaded, virtual clock in integer nanoseconds, seeded random streams per component:
/// the same setup gives the same outcome, byte for byte.
public final class ClusterSimulation {
    enum Event {
        case node(NodeID, NodeEvent, incarnation: Int)
        case timer(NodeID, NodeTimer, generation: UInt64, incarnation: Int)
        case arrival(Int)
        case faultStart(Int)
        case faultEnd(Int)
    }

    let setup: SimulationSetup
    let costModel: CostModel
    /// Device profiles by node (looked up on every compute step).
    private let profiles: [NodeID: DeviceProfile]
    private var queue = EventQueue<Event>()
    private var now: UInt64 = 0
    private var nodes: [NodeID: Node] = [:]
    private var incarnation: [NodeID: Int] = [:]
    private var executors: [NodeID: any ShardExecutor] = [:]
    private var timerGenerations: [NodeID: [NodeTimer: UInt64]] = [:]
    /// Time each directed link (or shared medium) is busy until.
    private var linkFreeAt: [String: UInt64] = [:]
    private var linkRandom: ComponentRandom
    private var crashed: Set<NodeID> = []
    private var downLinks: Set<LinkPairKey> = []
    private var partitions: [[Set<NodeID>]] = []
    private var latencySpikes: [(extra: Double, pair: LinkPairKey?)] = []
    private var slowdown: [NodeID: Double] = [:]
    private var records: [RequestID: SimulatedRequestRecord] = [:]
    private var arrivals: [SimulatedArrival]
    private var requestSequence: [NodeID: UInt64] = [:]
    private var arrivalIndex: [RequestID: Int] = [:]
    private var spans: [SimulatedSpan] = []
    private var busy: [NodeID: UInt64] = [:]
    private var logs: [String] = []
    private var events = 0
    private var computeStarted: [NodeID: UInt64] = [:]
    private var peakKV: [NodeID: Int] = [:]
    private var liveKV: [NodeID: [RequestID: Int]] = [:]
    private var formationTime: UInt64 = 0
    private var lastActivity: UInt64 = 0
    /// Hidden states captured by the real executors (nil without a capture spec).
    public let activationRecorder: ActivationRecorder?
    /// Progress callback: fraction of arrivals finished.
    public var onProgress: ((Int, Int) -> Void)?

    public init(setup: SimulationSetup) {
        self.setup = setup
        self.costModel = CostModel()
        self.profiles = Dictionary(setup.devices.map { ($0.node, $0.profile) }, uniquingKeysWith: { first, _ in first })
        self.linkRandom = ComponentRandom(seed: setup.seed, component: "links")
        self.arrivals = setup.arrivals
        self.activationRecorder = setup.captureActivations.map(ActivationRecorder.init)
    }

    static func ns(_ seconds: Double) -> UInt64 { UInt64(max(0, (seconds * 1e9).rounded())) }
    static func seconds(_ ns: UInt64) -> Double { Double(ns) / 1e9 }

    private func makeNode(_ device: SimulatedDevice) -> Node {
        var c = NodeConfiguration(id: device.node, profile: device.profile, modelName: setup.modelName, model: setup.model,
                                  weightBytes: setup.weightBytes, strategy: setup.strategy)
        c.heartbeatInterval = Self.ns(setup.heartbeatSeconds)
        c.peerTimeout = Self.ns(setup.peerTimeoutSeconds)
        c.requestTimeout = Self.ns(setup.requestTimeoutSeconds)
        c.maxActiveRequests = setup.maxActiveRequests
        c.maxQueuedRequests = setup.maxQueuedRequests
        c.maxContext = setup.maxContext
        c.kvReservedRequests = setup.kvReservedRequests
        return Node(configuration: c)
    }

    private func makeExecutor(for node: NodeID) -> any ShardExecutor {
        switch setup.executor {
        case .modeled:
            var h: UInt64 = setup.seed
            for b in node.description.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            return ModeledExecutor(model: setup.model, seed: h, avoidTokens: Set(setup.model.eosTokenIds))
        case .real(let checkpoint):
            let executor = RealShardExecutor(checkpoint: checkpoint)
            if let recorder = activationRecorder {
                executor.activationRecorder = recorder
                executor.requestNumber = { [unowned self] id in self.arrivalIndex[id] }
            }
            return executor
        }
    }

    /// Runs the whole workload and returns what happened.
    public func run() -> SimulationOutcome {
        let ids = setup.devices.map(\.node)
        for device in setup.devices {
            nodes[device.node] = makeNode(device)
            incarnation[device.node] = 0
            executors[device.node] = makeExecutor(for: device.node)
            queue.schedule(.node(device.node, .start, incarnation: 0), at: 0)
        }
        for a in ids { for b in ids where a != b { queue.schedule(.node(a, .peerConnected(b), incarnation: 0), at: 0) } }
        for node in ids { announceLinks(to: node) }
        // Let the cluster form (every node knows every other) before the workload starts.
        while let t = queue.nextTime, !formed(), t < Self.ns(30) { step() }
        formationTime = now
        var firstOfUser: Set<Int> = []
        for (i, a) in arrivals.enumerated() {
            if let user = a.user {
                // Closed loop: each user's first request starts at once, the next after a finish.
                guard !firstOfUser.contains(user) else { continue }
                firstOfUser.insert(user)
                queue.schedule(.arrival(i), at: formationTime)
            } else {
                queue.schedule(.arrival(i), at: formationTime + Self.ns(a.time))
            }
        }
        for (i, f) in setup.faults.enumerated() { queue.schedule(.faultStart(i), at: formationTime + Self.ns(f.time)) }
        let limit = formationTime + Self.ns(setup.timeLimitSeconds)
        while !queue.isEmpty, now <= limit, !workloadDone() { step() }

        let placement = nodes[setup.devices.first?.node ?? NodeID("none")]?.placement
        var placementError: String? = nil
        if placement == nil {
            placementError = records.values.compactMap { r -> String? in
                if case .failed(.doesNotFit(let m))? = r.outcome { return m }
                return nil
            }.sorted().first
        }
        let busySeconds = busy.mapValues { Self.seconds($0) }
        return SimulationOutcome(placement: placement, placementError: placementError,
                                 requests: records.values.sorted { ($0.arrival, $0.id) < ($1.arrival, $1.id) },
                                 spans: spans, busySeconds: busySeconds, logs: logs,
                                 simulatedSeconds: Self.seconds(lastActivity > formationTime ? lastActivity - formationTime : 0),
                                 formationSeconds: Self.seconds(formationTime), eventsProcessed: events, peakKVBytes: peakKV,
                                 activations: activationRecorder?.activations ?? [],
                                 activationsTruncated: activationRecorder?.truncated ?? false)
    }

    /// Tells a node every link of the simulated network, as measurements gossiped between live
    /// nodes would (placement weighs the hops with them).
    private func announceLinks(to node: NodeID) {
        let ids = setup.devices.map(\.node)
        let inc = incarnation[node] ?? 0
        for (i, a) in ids.enumerated() {
            for b in ids[(i + 1)...] {
                let link = setup.link(a, b)
                queue.schedule(.node(node, .linkMeasured(a, b, latencySeconds: link.latencySeconds,
                                                         bandwidthBytesPerSecond: link.bandwidthBytesPerSecond), incarnation: inc), at: now)
            }
        }
    }

    /// In a closed loop, the user whose request finished sends its next one after thinking.
    private func scheduleNextOfUser(after request: RequestID) {
        guard let index = arrivalIndex[request], let user = arrivals[index].user else { return }
        guard let next = arrivals.indices.first(where: { $0 > index && arrivals[$0].user == user }) else { return }
        queue.schedule(.arrival(next), at: now + Self.ns(arrivals[next].time))
    }

    private func formed() -> Bool {
        let all = Set(setup.devices.map(\.node))
        for (id, node) in nodes where Set(node.knownPeers).union([id]) != all { return false }
        return true
    }

    private func workloadDone() -> Bool {
        records.count == arrivals.count && records.values.allSatisfy { $0.outcome != nil }
    }

    private func step() {
        guard let (time, event) = queue.pop() else { return }
        now = max(now, time)
        events += 1
        switch event {
        case .node(let id, let e, let inc):
            guard inc == incarnation[id], !crashed.contains(id), let node = nodes[id] else { return }
            if case .computeFinished = e, let started = computeStarted.removeValue(forKey: id) {
                busy[id, default: 0] += now - started
            }
            apply(node.handle(e, now: now), from: id)
        case .timer(let id, let timer, let generation, let inc):
            guard inc == incarnation[id], !crashed.contains(id), let node = nodes[id],
                  timerGenerations[id]?[timer] == generation else { return }
            apply(node.handle(.timerFired(timer), now: now), from: id)
        case .arrival(let index):
            arrive(index)
        case .faultStart(let index):
            startFault(setup.faults[index])
        case .faultEnd(let index):
            endFault(setup.faults[index])
        }
    }

    private func arrive(_ index: Int) {
        let a = arrivals[index]
        let seq = requestSequence[a.origin, default: 0]
        requestSequence[a.origin] = seq + 1
        let id = RequestID(origin: a.origin, sequence: seq)
        let prompt = setup.promptProvider?(index, a.promptTokens)
            ?? (0..<a.promptTokens).map { (index * 31 + $0 * 7) % max(1, setup.model.vocabSize) }
        records[id] = SimulatedRequestRecord(id: id, arrival: Self.seconds(now - formationTime), promptTokens: prompt.count)
        arrivalIndex[id] = index
        lastActivity = now
        guard !crashed.contains(a.origin), let node = nodes[a.origin] else {
            records[id]?.outcome = .failed(.peerLost(a.origin, "the origin node is down"))
            records[id]?.finish = Self.seconds(now - formationTime)
            scheduleNextOfUser(after: id)
            return
        }
        let request = ClientRequest(id: id, promptTokens: prompt, maxTokens: a.maxTokens, sampling: a.sampling,
                                    stopTokenIds: setup.model.eosTokenIds, ignoreEOS: false)
        apply(node.handle(.clientRequest(request), now: now), from: a.origin)
    }

    // MARK: Effects

    private func apply(_ effects: [NodeEffect], from id: NodeID) {
        let inc = incarnation[id] ?? 0
        for effect in effects {
            switch effect {
            case .send(let to, let message):
                transmit(message, from: id, to: to)
            case .compute(let task):
                guard let executor = executors[id], let profile = profiles[id] else { continue }
                let output = executor.run(task)
                var seconds = costModel.stepTime(setup.model, dtypeBytes: setup.weightBytes, device: profile,
                                                 layers: task.layers, isLast: task.isLastShard,
                                                 tokens: task.input.positions, priorTokens: task.position)
                seconds *= slowdown[id] ?? 1
                let duration = Self.ns(seconds)
                computeStarted[id] = now
                let kv = costModel.kvBytesPerTokenPerLayer(setup.model) * task.layers.count * task.capacity
                if liveKV[id, default: [:]][task.request] == nil {
                    liveKV[id, default: [:]][task.request] = kv
                    let total = liveKV[id, default: [:]].values.reduce(0, +)
                    peakKV[id] = max(peakKV[id] ?? 0, total)
                }
                spans.append(SimulatedSpan(node: id, kind: task.input.positions > 1 ? "prefill" : "decode", request: task.request,
                                           start: Self.seconds(now - formationTime), end: Self.seconds(now + duration - formationTime),
                                           label: "layers \(task.layers.lowerBound)-\(task.layers.upperBound - 1)",
                                           layers: task.layers))
                queue.schedule(.node(id, .computeFinished(taskID: task.id, output), incarnation: inc), at: now + duration)
            case .releaseState(let request):
                executors[id]?.release(request)
                liveKV[id]?[request] = nil
            case .setTimer(let timer, let at):
                let g = (timerGenerations[id]?[timer] ?? 0) + 1
                timerGenerations[id, default: [:]][timer] = g
                queue.schedule(.timer(id, timer, generation: g, incarnation: inc), at: max(at, now))
            case .cancelTimer(let timer):
                timerGenerations[id, default: [:]][timer] = (timerGenerations[id]?[timer] ?? 0) + 1
            case .deliverToken(let request, _, let token, _):
                let t = Self.seconds(now - formationTime)
                records[request]?.tokens.append(token)
                records[request]?.tokenTimes.append(t)
                if records[request]?.firstToken == nil { records[request]?.firstToken = t }
                lastActivity = now
            case .finish(let request, let outcome):
                records[request]?.outcome = outcome
                records[request]?.finish = Self.seconds(now - formationTime)
                lastActivity = now
                scheduleNextOfUser(after: request)
                onProgress?(records.values.filter { $0.outcome != nil }.count, arrivals.count)
            case .disconnect:
                break
            case .log(let line):
                logs.append(String(format: "[%10.3f s] %@: %@", Self.seconds(now) - Self.seconds(formationTime), id.description, line))
            case .trace(let t):
                if t.kind == .queueWait || t.kind == .fault {
                    spans.append(SimulatedSpan(node: id, kind: t.kind.rawValue, request: t.request,
                                               start: Self.seconds(t.start) - Self.seconds(formationTime),
                                               end: Self.seconds(t.end) - Self.seconds(formationTime), label: t.detail))
                }
            }
        }
    }

    private func reachable(_ a: NodeID, _ b: NodeID) -> Bool {
        if crashed.contains(a) || crashed.contains(b) { return false }
        if downLinks.contains(LinkPairKey(a, b)) { return false }
        for groups in partitions {
            let ga = groups.firstIndex { $0.contains(a) }, gb = groups.firstIndex { $0.contains(b) }
            if ga != gb { return false }
        }
        return true
    }

    private func transmit(_ message: PeerMessage, from: NodeID, to: NodeID) {
        guard nodes[to] != nil, reachable(from, to) else { return }
        let link = setup.link(from, to)
        let bytes = WireSize.bytes(of: message)
        let channel = link.sharedMedium.map { "medium:\($0)" } ?? "\(from)->\(to)"
        let departure = max(now, linkFreeAt[channel] ?? 0)
        let serialization = Self.ns(link.serializationSeconds(bytes))
        linkFreeAt[channel] = departure + serialization
        var delay = link.latencySeconds
        if link.jitterSeconds > 0 { delay += linkRandom.unit() * link.jitterSeconds }
        if link.lossProbability > 0, linkRandom.unit() < link.lossProbability { delay += link.retransmitSeconds }
        for spike in latencySpikes where spike.pair == nil || spike.pair == LinkPairKey(from, to) { delay += spike.extra }
        let arrival = departure + serialization + Self.ns(delay)
        if case .forward(let f) = message {
            spans.append(SimulatedSpan(node: from, kind: "send", request: f.request,
                                       start: Self.seconds(departure) - Self.seconds(formationTime),
                                       end: Self.seconds(arrival) - Self.seconds(formationTime), label: "to \(to), \(bytes) B",
                                       bytes: bytes, peer: to))
        }
        queue.schedule(.node(to, .message(from: from, message), incarnation: incarnation[to] ?? 0), at: arrival)
    }

    // MARK: Faults

    private func schedule(end: Double?, of fault: SimulatedFault) {
        guard let end, let index = setup.faults.firstIndex(of: fault) else { return }
        queue.schedule(.faultEnd(index), at: formationTime + Self.ns(end))
    }

    private func startFault(_ fault: SimulatedFault) {
        logs.append(String(format: "[%10.3f s] fault: %@", Self.seconds(now - formationTime), fault.description))
        switch fault {
        case .crash(let node, _, let restart):
            crashed.insert(node)
            executors[node] = makeExecutor(for: node)
            liveKV[node] = [:]
            computeStarted[node] = nil
            incarnation[node, default: 0] += 1
            spans.append(SimulatedSpan(node: node, kind: "fault", request: nil, start: Self.seconds(now - formationTime),
                                       end: Self.seconds(now - formationTime), label: "crash"))
            // Clients connected to the crashed node lose their requests.
            for (id, record) in records.sorted(by: { $0.key < $1.key }) where id.origin == node && record.outcome == nil {
                records[id]?.outcome = .failed(.peerLost(node, "the origin node crashed"))
                records[id]?.finish = Self.seconds(now - formationTime)
                scheduleNextOfUser(after: id)
            }
            schedule(end: restart, of: fault)
        case .linkDown(let a, let b, _, let until):
            downLinks.insert(LinkPairKey(a, b))
            schedule(end: until, of: fault)
        case .partition(let groups, _, let until):
            partitions.append(groups.map(Set.init))
            schedule(end: until, of: fault)
        case .latencySpike(let extra, let pair, _, let until):
            latencySpikes.append((extra, pair.map { LinkPairKey($0.0, $0.1) }))
            schedule(end: until, of: fault)
        case .slowDevice(let node, let factor, _, let until):
            slowdown[node] = factor
            schedule(end: until, of: fault)
        }
    }

    private func endFault(_ fault: SimulatedFault) {
        logs.append(String(format: "[%10.3f s] fault over: %@", Self.seconds(now - formationTime), fault.description))
        switch fault {
        case .crash(let node, _, _):
            crashed.remove(node)
            guard let device = setup.devices.first(where: { $0.node == node }) else { return }
            nodes[node] = makeNode(device)
            let inc = incarnation[node] ?? 0
            queue.schedule(.node(node, .start, incarnation: inc), at: now)
            announceLinks(to: node)
            for other in setup.devices.map(\.node) where other != node && !crashed.contains(other) {
                queue.schedule(.node(node, .peerConnected(other), incarnation: inc), at: now)
                queue.schedule(.node(other, .peerConnected(node), incarnation: incarnation[other] ?? 0), at: now)
            }
        case .linkDown(let a, let b, _, _):
            downLinks.remove(LinkPairKey(a, b))
            queue.schedule(.node(a, .peerConnected(b), incarnation: incarnation[a] ?? 0), at: now)
            queue.schedule(.node(b, .peerConnected(a), incarnation: incarnation[b] ?? 0), at: now)
        case .partition(let groups, _, _):
            if let i = partitions.firstIndex(of: groups.map(Set.init)) { partitions.remove(at: i) }
            let all = setup.devices.map(\.node)
            for a in all { for b in all where a != b { queue.schedule(.node(a, .peerConnected(b), incarnation: incarnation[a] ?? 0), at: now) } }
        case .latencySpike(let extra, let pair, _, _):
            if let i = latencySpikes.firstIndex(where: { $0.extra == extra && $0.pair == pair.map { LinkPairKey($0.0, $0.1) } }) {
                latencySpikes.remove(at: i)
            }
        case .slowDevice(let node, _, _, _):
            slowdown[node] = nil
        }
    }
}
