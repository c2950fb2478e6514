import Foundation

/// One OMNI node as a deterministic state machine: events in, effects out, no I/O, no clock,
/// no threads. `omni serve` drives it with sockets and a wall clock; OmniSim drives the very same
/// code with a virtual clock and simulated links and devices.
///
/// A node plays two roles. As **origin** it accepts client requests, computes a placement from
/// its view of the cluster, stamps it into the request, streams tokens to its client and fails
/// requests whose nodes disappear. As **shard** it runs its layers for any request whose stamp
/// names it, in position order, and forwards hidden states (or, as the last shard, the sampled
/// token) along the ring.
public final class Node {
    public let configuration: NodeConfiguration
    public var id: NodeID { configuration.id }

    // Membership.
    struct Peer {
        var profile: DeviceProfile?
        var model: String?
        var lastHeard: UInt64
    }
    private var peers: [NodeID: Peer] = [:]
    private var membershipVersion: UInt64 = 0
    /// Known links, keyed by the two node ids in order.
    private var links: [LinkKey: LinkProfile] = [:]
    struct LinkKey: Hashable, Comparable {
        let a: NodeID, b: NodeID
        init(_ x: NodeID, _ y: NodeID) { (a, b) = x < y ? (x, y) : (y, x) }
        static func < (l: LinkKey, r: LinkKey) -> Bool { (l.a, l.b) < (r.a, r.b) }
    }
    private var started = false

    // Placement.
    private var currentPlacement: Placement?
    private var placementVersion: UInt64 = .max
    private var epoch: UInt64 = 0

    // Origin role.
    struct OriginRequest {
        var client: ClientRequest
        var placement: Placement
        var nextIndex = 0
        var buffered: [Int: TokenMessage] = [:]
        var lastProgress: UInt64
    }
    private var active: [RequestID: OriginRequest] = [:]
    private var waiting: [ClientRequest] = []

    // Shard role.
    struct ShardRequest {
        var placement: Placement
        var settings: RequestSettings
        var nextPosition = 0
        var pending: [Int: ForwardMessage] = [:]
    }
    private var shardRequests: [RequestID: ShardRequest] = [:]
    /// Requests released here, until the given time: late messages for them are dropped.
    private var released: [RequestID: UInt64] = [:]

    // Compute (one task at a time, first come first served).
    private var runQueue: [(task: ComputeTask, enqueued: UInt64)] = []
    private var running: (task: ComputeTask, started: UInt64)?
    private var nextTaskID: UInt64 = 1

    private var effects: [NodeEffect] = []
    private var now: UInt64 = 0

    public init(configuration: NodeConfiguration) {
        self.configuration = configuration
    }

    // MARK: Inspection (tests, status endpoints)

    /// Peers with a known profile, sorted.
    public var knownPeers: [NodeID] { peers.filter { $0.value.profile != nil }.keys.sorted() }
    public var activeRequestIDs: [RequestID] { active.keys.sorted() }
    public var queuedRequestIDs: [RequestID] { waiting.map(\.id) }
    /// Requests holding shard state on this node.
    public var shardRequestIDs: [RequestID] { shardRequests.keys.sorted() }
    public var placement: Placement? { currentPlacement }

    /// The cluster as this node sees it: itself and every live peer that announced the same model.
    public var topology: Topology {
        var members: [(NodeID, DeviceProfile)] = [(id, configuration.profile)]
        for (peer, info) in peers.sorted(by: { $0.key < $1.key }) {
            if let profile = info.profile, info.model == configuration.modelName { members.append((peer, profile)) }
        }
        var topology = Topology()
        for (node, profile) in members { topology.update(node, profile: profile) }
        let ids = Set(members.map(\.0))
        for (key, link) in links.sorted(by: { $0.key < $1.key }) where ids.contains(key.a) && ids.contains(key.b) {
            topology.setLink(between: key.a, and: key.b, to: link)
        }
        return topology
    }

    // MARK: Events

    public func handle(_ event: NodeEvent, now: UInt64) -> [NodeEffect] {
        self.now = max(self.now, now)
        effects = []
        switch event {
        case .start:
            if !started {
                started = true
                effects.append(.setTimer(.heartbeat, at: self.now + configuration.heartbeatInterval))
            }
        case .peerConnected(let peer):
            guard peer != id else { break }
            if peers[peer] == nil { peers[peer] = Peer(profile: nil, model: nil, lastHeard: self.now) }
            peers[peer]?.lastHeard = self.now
            send(.hello(announcement), to: peer)
        case .peerDisconnected(let peer, let reason):
            lose(peer, reason: reason)
        case .linkMeasured(let a, let b, let latency, let bandwidth):
            // A change to one of this node's own links is gossiped to every peer in a new hello.
            if measure(a, b, latency: latency, bandwidth: bandwidth), a == id || b == id {
                for peer in peers.keys.sorted() { send(.hello(announcement), to: peer) }
            }
        case .message(let from, let message):
            receive(message, from: from)
        case .timerFired(let timer):
            fire(timer)
        case .computeFinished(let taskID, let output):
            finishCompute(taskID: taskID, output: output)
        case .clientRequest(let request):
            accept(request)
        case .clientCancel(let request):
            cancel(request)
        }
        let out = effects
        effects = []
        return out
    }

    private var announcement: NodeAnnouncement {
        let own = links.sorted { $0.key < $1.key }.compactMap { key, link -> LinkReport? in
            guard key.a == id || key.b == id else { return nil }
            return LinkReport(peer: key.a == id ? key.b : key.a, latencySeconds: link.latencySeconds,
                              bandwidthBytesPerSecond: link.bandwidthBytesPerSecond)
        }
        return NodeAnnouncement(node: id, profile: configuration.profile, model: configuration.modelName, links: own)
    }

    // MARK: Membership

    private func receive(_ message: PeerMessage, from: NodeID) {
        if from != id {
            if peers[from] == nil {
                peers[from] = Peer(profile: nil, model: nil, lastHeard: now)
                send(.hello(announcement), to: from)
            }
            peers[from]?.lastHeard = now
        }
        switch message {
        case .hello(let a):
            greet(a, from: from)
        case .heartbeat:
            break
        case .forward(let forward):
            if from != id {
                trace(.receive, request: forward.request, start: now, end: now, bytes: WireSize.bytes(of: message), peer: from,
                      position: forward.position)
            }
            shardReceive(forward)
        case .token(let token):
            originReceive(token)
        case .release(let request):
            releaseLocally(request)
        case .failed(let request, let reason):
            if active[request] != nil { fail(request, .computeFailed(node: from, message: reason)) }
        }
    }

    private func greet(_ a: NodeAnnouncement, from: NodeID) {
        guard a.node == from else {
            effects.append(.log("refusing peer \(from): it announced itself as \(a.node)"))
            effects.append(.disconnect(from, reason: "announced id \(a.node) on a connection from \(from)"))
            return
        }
        if a.node == id {
            effects.append(.log("WARNING: another node uses this node's id \(id); give each node its own --node-id or --state-dir"))
            return
        }
        // Each node speaks for its own links only.
        for link in a.links where link.peer != from {
            measure(from, link.peer, latency: link.latencySeconds, bandwidth: link.bandwidthBytesPerSecond)
        }
        let isNew = peers[from]?.profile == nil
        let changed = peers[from]?.profile != a.profile || peers[from]?.model != a.model
        peers[from]?.profile = a.profile
        peers[from]?.model = a.model
        if changed { membershipVersion += 1 }
        if a.model != configuration.modelName {
            if isNew { effects.append(.log("peer \(from) serves model '\(a.model)', not '\(configuration.modelName)': not clustered")) }
        } else if isNew {
            effects.append(.log("peer joined: \(from) (\(a.profile.summary))"))
        }
    }

    /// Records a link; a change of more than 20% re-plans new requests. Returns whether it changed.
    @discardableResult
    private func measure(_ a: NodeID, _ b: NodeID, latency: Double, bandwidth: Double) -> Bool {
        guard a != b, latency.isFinite, latency >= 0, bandwidth.isFinite, bandwidth > 0 else { return false }
        let key = LinkKey(a, b)
        let link = LinkProfile(latencySeconds: latency, bandwidthBytesPerSecond: bandwidth)
        if let old = links[key],
           abs(old.latencySeconds - latency) <= 0.2 * max(old.latencySeconds, 1e-6),
           abs(old.bandwidthBytesPerSecond - bandwidth) <= 0.2 * old.bandwidthBytesPerSecond {
            return false
        }
        links[key] = link
        membershipVersion += 1
        return true
    }

    /// Links this node knows, for status endpoints.
    public var knownLinks: [(a: NodeID, b: NodeID, link: LinkProfile)] {
        links.sorted { $0.key < $1.key }.map { ($0.key.a, $0.key.b, $0.value) }
    }

    private func lose(_ peer: NodeID, reason: String) {
        guard let info = peers.removeValue(forKey: peer) else { return }
        if info.profile != nil { membershipVersion += 1 }
        effects.append(.log("peer left: \(peer) (\(reason))"))
        effects.append(.disconnect(peer, reason: reason))
        trace(.fault, request: nil, start: now, end: now, peer: peer, detail: "peer lost: \(reason)")
        for (request, state) in active.sorted(by: { $0.key < $1.key }) where state.placement.shards.contains(where: { $0.node == peer }) {
            fail(request, .peerLost(peer, reason))
        }
        for (request, _) in shardRequests.sorted(by: { $0.key < $1.key }) where request.origin == peer {
            releaseLocally(request)
        }
    }

    private func fire(_ timer: NodeTimer) {
        switch timer {
        case .heartbeat:
            for peer in peers.keys.sorted() {
                guard let info = peers[peer] else { continue }
                if now >= info.lastHeard + configuration.peerTimeout {
                    lose(peer, reason: String(format: "no message for %.1f s", Double(now - info.lastHeard) / 1e9))
                } else {
                    send(.heartbeat, to: peer)
                }
            }
            released = released.filter { $0.value > now }
            effects.append(.setTimer(.heartbeat, at: now + configuration.heartbeatInterval))
        case .requestDeadline(let request):
            guard let state = active[request] else { return }
            if now >= state.lastProgress + configuration.requestTimeout {
                fail(request, .timeout(seconds: Double(configuration.requestTimeout) / 1e9))
            } else {
                effects.append(.setTimer(.requestDeadline(request), at: state.lastProgress + configuration.requestTimeout))
            }
        }
    }

    // MARK: Origin role

    private func accept(_ request: ClientRequest) {
        if let problem = validate(request) {
            effects.append(.finish(request.id, .failed(.invalid(problem))))
            return
        }
        if active.count < configuration.maxActiveRequests {
            admit(request)
        } else if waiting.count < configuration.maxQueuedRequests {
            waiting.append(request)
        } else {
            effects.append(.finish(request.id, .failed(.queueFull(limit: configuration.maxQueuedRequests))))
        }
    }

    private func validate(_ request: ClientRequest) -> String? {
        if active[request.id] != nil || waiting.contains(where: { $0.id == request.id }) {
            return "request id \(request.id) is already in use"
        }
        if request.promptTokens.isEmpty { return "the prompt is empty: at least one token is needed" }
        if request.maxTokens < 1 { return "max tokens must be at least 1, got \(request.maxTokens)" }
        let limit = configuration.model.contextLimit
        if request.promptTokens.count + request.maxTokens > limit {
            return "prompt (\(request.promptTokens.count) tokens) plus max tokens (\(request.maxTokens)) exceeds the model's context of \(limit) tokens"
        }
        if let bad = request.promptTokens.first(where: { $0 < 0 || $0 >= configuration.model.vocabSize }) {
            return "token id \(bad) is outside the vocabulary (0..<\(configuration.model.vocabSize))"
        }
        do { try request.sampling.validate() } catch { return error.localizedDescription }
        return nil
    }

    /// The placement for a new request: recomputed when membership changed, else reused.
    private func placementForNewRequest() throws -> Placement {
        if let currentPlacement, placementVersion == membershipVersion { return currentPlacement }
        let context = PlacementContext(epoch: epoch + 1, maxContextTokens: configuration.maxContext,
                                       concurrency: configuration.kvReservedRequests)
        var placement = try configuration.strategy.place(model: configuration.model, modelName: configuration.modelName,
                                                          dtypeBytes: configuration.weightBytes, topology: topology, context: context)
        placementVersion = membershipVersion
        if let currentPlacement, currentPlacement.shards == placement.shards {
            placement.epoch = currentPlacement.epoch
        } else {
            epoch += 1
            placement.epoch = epoch
            let table = placement.shards.map { "\($0.node) holds layers \($0.start)..<\($0.end)" }.joined(separator: ", ")
            effects.append(.log("placement epoch \(epoch) (\(configuration.strategy.name)): \(table)"))
        }
        currentPlacement = placement
        return placement
    }

    private func admit(_ request: ClientRequest) {
        let placement: Placement
        do {
            placement = try placementForNewRequest()
        } catch {
            effects.append(.finish(request.id, .failed(.doesNotFit(error.localizedDescription))))
            return
        }
        guard let first = placement.shards.first else {
            effects.append(.finish(request.id, .failed(.doesNotFit("the placement is empty"))))
            return
        }
        active[request.id] = OriginRequest(client: request, placement: placement, lastProgress: now)
        effects.append(.setTimer(.requestDeadline(request.id), at: now + configuration.requestTimeout))
        trace(.request, request: request.id, start: now, end: now, detail: "accepted, placement epoch \(placement.epoch)")
        let settings = RequestSettings(sampling: request.sampling, maxTokens: request.maxTokens,
                                       promptLength: request.promptTokens.count, stopTokenIds: request.stopTokenIds,
                                       ignoreEOS: request.ignoreEOS, promptTokens: request.promptTokens)
        route(.forward(ForwardMessage(request: request.id, placement: placement, position: 0,
                                      activation: .tokens(request.promptTokens), settings: settings)), to: first.node)
    }

    private func originReceive(_ token: TokenMessage) {
        guard var state = active[token.request] else { return }
        guard token.index >= state.nextIndex else { return }  // duplicate
        state.buffered[token.index] = token
        active[token.request] = state
        while let state = active[token.request], let next = state.buffered[state.nextIndex] {
            active[token.request]?.buffered[state.nextIndex] = nil
            active[token.request]?.nextIndex += 1
            active[token.request]?.lastProgress = now
            let isStopToken = next.finish == .stop && !state.client.ignoreEOS && state.client.stopTokenIds.contains(next.token)
            if !isStopToken {
                effects.append(.deliverToken(next.request, index: next.index, token: next.token, logprobs: next.logprobs))
            }
            if let reason = next.finish {
                complete(next.request, .completed(reason))
                return
            }
        }
    }

    private func cancel(_ request: RequestID) {
        if let index = waiting.firstIndex(where: { $0.id == request }) {
            waiting.remove(at: index)
            effects.append(.finish(request, .failed(.cancelled)))
        } else if active[request] != nil {
            fail(request, .cancelled)
        }
    }

    private func fail(_ request: RequestID, _ failure: RequestFailure) {
        complete(request, .failed(failure))
    }

    /// Ends a request at its origin: frees its state on every node of its stamp.
    private func complete(_ request: RequestID, _ outcome: RequestOutcome) {
        guard let state = active.removeValue(forKey: request) else { return }
        effects.append(.cancelTimer(.requestDeadline(request)))
        for node in Set(state.placement.shards.map(\.node)).sorted() {
            if node == id { releaseLocally(request) } else if peers[node] != nil { send(.release(request), to: node) }
        }
        trace(.request, request: request, start: now, end: now, detail: "finished: \(outcome)")
        effects.append(.finish(request, outcome))
        while active.count < configuration.maxActiveRequests, !waiting.isEmpty {
            admit(waiting.removeFirst())
        }
    }

    // MARK: Shard role

    private func shardReceive(_ forward: ForwardMessage) {
        let request = forward.request
        if released[request] != nil { return }
        guard forward.placement.shards.contains(where: { $0.node == id }) else {
            route(.failed(request, "node \(id) holds no layers in placement epoch \(forward.placement.epoch)"), to: request.origin)
            return
        }
        if shardRequests[request] == nil {
            shardRequests[request] = ShardRequest(placement: forward.placement, settings: forward.settings)
        }
        guard let state = shardRequests[request], forward.position >= state.nextPosition else { return }  // duplicate
        shardRequests[request]?.pending[forward.position] = forward
        while let state = shardRequests[request], let next = state.pending[state.nextPosition] {
            shardRequests[request]?.pending[state.nextPosition] = nil
            shardRequests[request]?.nextPosition += next.activation.positions
            if next.position == 0 { shardRequests[request]?.settings = next.settings }
            enqueue(next)
        }
    }

    private func enqueue(_ forward: ForwardMessage) {
        guard let shard = forward.placement.shards.first(where: { $0.node == id }), let state = shardRequests[forward.request] else { return }
        let task = ComputeTask(id: nextTaskID, request: forward.request, layers: shard.start..<shard.end,
                               isFirstShard: shard.start == 0, isLastShard: shard.end == configuration.model.numLayers,
                               position: forward.position, input: forward.activation,
                               capacity: state.settings.promptLength + state.settings.maxTokens,
                               sampling: state.settings.sampling, promptTokens: state.settings.promptTokens)
        nextTaskID += 1
        runQueue.append((task, now))
        startNextCompute()
    }

    private func startNextCompute() {
        guard running == nil, !runQueue.isEmpty else { return }
        let (task, enqueued) = runQueue.removeFirst()
        if now > enqueued {
            trace(.queueWait, request: task.request, start: enqueued, end: now, layers: task.layers)
        }
        running = (task, now)
        effects.append(.compute(task))
    }

    private func finishCompute(taskID: UInt64, output: ComputeOutput) {
        guard let (task, started) = running, task.id == taskID else { return }
        running = nil
        trace(.compute, request: task.request, start: started, end: now, layers: task.layers,
              detail: task.input.positions > 1 ? "prefill \(task.input.positions)" : "decode")
        defer { startNextCompute() }
        guard let state = shardRequests[task.request] else { return }  // released meanwhile
        let placement = state.placement
        switch output {
        case .failed(let message):
            route(.failed(task.request, message), to: task.request.origin)
        case .hidden(let hidden):
            guard let index = placement.shards.firstIndex(where: { $0.node == id }), index + 1 < placement.shards.count else {
                route(.failed(task.request, "node \(id) produced hidden states but holds the last shard"), to: task.request.origin)
                return
            }
            var settings = state.settings
            if task.position != 0 { settings.promptTokens = [] }
            route(.forward(ForwardMessage(request: task.request, placement: placement, position: task.position,
                                          activation: .hidden(hidden), settings: settings)),
                  to: placement.shards[index + 1].node)
        case .token(let token, let logprobs):
            let s = state.settings
            let nextPosition = task.position + task.input.positions
            let index = nextPosition - s.promptLength
            var finish: FinishReason? = nil
            if !s.ignoreEOS && s.stopTokenIds.contains(token) {
                finish = .stop
            } else if index + 1 >= s.maxTokens || nextPosition + 1 > configuration.model.contextLimit {
                finish = .length
            }
            trace(.sample, request: task.request, start: now, end: now, detail: "token \(token) at \(index)")
            route(.token(TokenMessage(request: task.request, index: index, token: token, finish: finish, logprobs: logprobs)),
                  to: task.request.origin)
            if finish == nil, let first = placement.shards.first {
                var settings = s
                settings.promptTokens = []
                route(.forward(ForwardMessage(request: task.request, placement: placement, position: nextPosition,
                                              activation: .tokens([token]), settings: settings)), to: first.node)
            }
        }
    }

    private func releaseLocally(_ request: RequestID) {
        released[request] = now + 2 * configuration.requestTimeout
        runQueue.removeAll { $0.task.request == request }
        if shardRequests.removeValue(forKey: request) != nil {
            effects.append(.releaseState(request))
        }
    }

    // MARK: Sending

    /// Delivers a message to a node, handling it in place when that node is this one.
    private func route(_ message: PeerMessage, to node: NodeID) {
        if node == id {
            receive(message, from: id)
        } else {
            send(message, to: node)
        }
    }

    private func send(_ message: PeerMessage, to node: NodeID) {
        if case .forward(let f) = message {
            trace(.send, request: f.request, start: now, end: now, bytes: WireSize.bytes(of: message), peer: node, position: f.position)
        }
        effects.append(.send(to: node, message))
    }

    private func trace(_ kind: NodeTraceEvent.Kind, request: RequestID?, start: UInt64, end: UInt64, bytes: Int = 0,
                       layers: Range<Int>? = nil, peer: NodeID? = nil, detail: String = "", position: Int? = nil) {
        effects.append(.trace(NodeTraceEvent(kind: kind, node: id, request: request, start: start, end: end, bytes: bytes,
                                             layers: layers, peer: peer, detail: detail, position: position)))
    }
}

/// Approximate bytes a message occupies on the wire, for traces and the simulator's links
/// (the frame codec gives the exact figure on real sockets).
public enum WireSize {
    public static let headerBytes = 64
    public static func bytes(of message: PeerMessage) -> Int {
        switch message {
        case .forward(let f):
            let payload: Int
            switch f.activation {
            case .tokens(let t): payload = 4 * t.count
            case .hidden(let h): payload = 4 * h.tokens * h.width
            }
            return headerBytes + payload + 4 * f.settings.promptTokens.count + 4 * f.settings.stopTokenIds.count + f.placement.shards.count * 24
        case .token: return headerBytes
        case .hello: return headerBytes + 256
        default: return headerBytes
        }
    }
}

extension DeviceProfile {
    /// One line for logs: name and memory available for the model.
    public var summary: String {
        String(format: "%@, %.1f GiB available", name, Double(availableMemoryBytes) / 1_073_741_824)
    }
}
