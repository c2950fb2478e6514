import Foundation

/// Runs one `Node` on real sockets and threads: the shell around the sans-IO state machine.
///
/// All node events are handled on one serial queue (`loop`) with `now` from a monotonic clock
/// (nanoseconds since the runtime was created). Effects are carried out there: frames go to the
/// `PeerTransport`, compute tasks run on a separate serial queue with a `RealShardExecutor` over
/// this process's own checkpoint and come back as `computeFinished`, timers are dispatch timers
/// on the loop queue, tokens and outcomes go to the callbacks of local clients, logs go to the
/// `log` closure (one line each).
public final class LiveNodeRuntime: @unchecked Sendable {
    public let settings: LiveNodeSettings
    public var id: NodeID { settings.node.id }
    public let checkpoint: Checkpoint

    private let node: Node
    private let executor: RealShardExecutor
    private let loop: DispatchQueue
    private let computeQueue: DispatchQueue
    /// Client callbacks run here, in order, so slow clients never hold up the node.
    private let delivery: DispatchQueue
    private let loopKey = DispatchSpecificKey<Bool>()
    private let startTime = DispatchTime.now().uptimeNanoseconds
    private let authenticator: FrameAuthenticator?
    private let log: @Sendable (String) -> Void
    private var transport: PeerTransport?
    private var udp: UDPDiscovery?
    private var manual: ManualDiscovery?

    // Loop-queue state.
    private var timers: [NodeTimer: (source: DispatchSourceTimer, generation: UInt64)] = [:]
    private var timerGeneration: UInt64 = 0
    private var clients: [RequestID: @Sendable (CompletionEvent) -> Void] = [:]
    private var stopped = false
    private var traceCount = 0

    // Request ids: a wall-clock base so a restarted node never reuses ids its peers remember.
    private let sequenceLock = NSLock()
    private var nextSequence: UInt64

    /// `log` receives one line per event worth telling the operator (no prefix added).
    /// Link figures measured by the transport, per peer (touched on the node loop only).
    private var measuredLatency: [NodeID: Double] = [:]
    private var measuredBandwidth: [NodeID: Double] = [:]

    /// Receives every trace event of the node (on the node's loop; keep it fast).
    public var onTrace: ((NodeTraceEvent) -> Void)?

    /// Captures hidden states entering this node's layers; `onActivations` receives a
    /// request's captures when its state here is released.
    public func captureActivations(_ spec: ActivationCaptureSpec,
                                   onActivations: @escaping (RequestID, [CapturedActivation], Range<Int>?) -> Void) {
        let recorder = ActivationRecorder(spec: spec)
        let numbers = RequestNumbering()
        executor.activationRecorder = recorder
        executor.requestNumber = { numbers.number(for: $0) }
        let warned = EventFlag()
        executor.onRelease = { [executor, log] request in
            if recorder.truncated && warned.setOnce() {
                log("warning: activation capture reached its \(spec.maxBytes)-byte cap (--capture-activations max=…); later states are not kept")
            }
            guard let n = numbers.existing(request) else { return }
            let captured = recorder.take(request: n)
            if !captured.isEmpty { onActivations(request, captured, executor.loadedLayerRanges.first) }
        }
    }

    public init(settings: LiveNodeSettings, checkpoint: Checkpoint, log: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.checkpoint = checkpoint
        self.log = log
        self.node = Node(configuration: settings.node)
        self.executor = RealShardExecutor(checkpoint: checkpoint)
        self.loop = DispatchQueue(label: "omni.node.\(settings.node.id)")
        self.computeQueue = DispatchQueue(label: "omni.compute.\(settings.node.id)")
        self.delivery = DispatchQueue(label: "omni.clients.\(settings.node.id)")
        self.authenticator = settings.clusterKey.map { FrameAuthenticator(passphrase: $0) }
        self.nextSequence = UInt64(max(0, Date().timeIntervalSince1970 * 1000)) << 16
        loop.setSpecific(key: loopKey, value: true)
        executor.onLayersChanged = { line in log(line) }
    }

    /// The largest frame a peer may send: hidden states for a whole context in f32, the prompt
    /// and stop ids, plus 1 MiB for the rest. Larger frames are refused before being buffered.
    static func maxFrameBytes(for model: ModelConfig) -> Int {
        let context = max(1, model.contextLimit)
        let hidden = context.multipliedReportingOverflow(by: max(1, model.hiddenSize) * 4)
        guard !hidden.overflow else { return FrameCodec.defaultMaxFrameBytes }
        return min(FrameCodec.defaultMaxFrameBytes, hidden.partialValue + context * 16 + (1 << 20))
    }

    /// Nanoseconds since the runtime was created.
    public func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds - startTime }

    /// The TCP address peers connect to (after `start`).
    public var listenEndpoint: IPv4Endpoint? { transport?.listenEndpoint }

    /// Binds the peer port, starts discovery and the node.
    public func start() throws {
        var t = PeerTransport.Settings(me: id, listen: settings.listen, authenticator: authenticator)
        t.maxQueuedBytesPerPeer = settings.maxQueuedBytesPerPeer
        t.maxFrameBytes = Self.maxFrameBytes(for: settings.node.model)
        if case .udp = settings.discovery { t.onlySmallerIDDials = true }
        let transport = PeerTransport(settings: t, deliver: { [weak self] event in self?.enqueue(event) }, log: log)
        self.transport = transport
        try transport.start()
        let port = transport.listenEndpoint?.port ?? settings.listen.port
        switch settings.discovery {
        case .none:
            break
        case .manual(let file):
            let m = ManualDiscovery(path: file, publish: { [weak transport] in transport?.setTargets($0, source: "manual") }, log: log)
            manual = m
            m.start()
        case .udp(let discoveryPort, let destinations):
            let loopbackOnly = settings.listen.isLoopback
            let targets = destinations ?? (loopbackOnly ? [IPv4Endpoint.loopbackBroadcast] : IPv4Endpoint.interfaceBroadcastAddresses())
            var u = UDPDiscovery.Settings(me: id, tcpPort: port, model: settings.node.modelName, port: discoveryPort,
                                          destinations: targets, bindAddress: loopbackOnly ? IPv4Endpoint.loopbackBroadcast : 0,
                                          authenticator: authenticator)
            u.interval = settings.beaconInterval
            u.expiry = settings.beaconExpiry
            let d = UDPDiscovery(settings: u, publish: { [weak transport] in transport?.setTargets($0, source: "udp") }, log: log)
            try d.start()
            udp = d
            log("discovery: UDP beacons every \(settings.beaconInterval) s on port \(discoveryPort) to \(targets.map { IPv4Endpoint(address: $0, port: discoveryPort).host }.joined(separator: ", "))")
        }
        log("node \(id) listening for peers on \(transport.listenEndpoint?.description ?? settings.listen.description), serving '\(settings.node.modelName)' (\(settings.node.profile.summary))")
        loop.async { self.handle(.start) }
    }

    /// Stops discovery, closes every connection and fails the local clients' requests.
    public func stop() {
        udp?.stop()
        manual?.stop()
        transport?.stop()
        onLoop {
            guard !self.stopped else { return }
            self.stopped = true
            for timer in self.timers.values { timer.source.cancel() }
            self.timers = [:]
            for (request, callback) in self.clients.sorted(by: { $0.key < $1.key }) {
                self.delivery.async { callback(.failed(.unavailable("node \(self.id) is shutting down"))) }
                self.clients[request] = nil
            }
        }
    }

    private func onLoop(_ work: () -> Void) {
        if DispatchQueue.getSpecific(key: loopKey) == true { work() } else { loop.sync(execute: work) }
    }

    // MARK: Clients

    /// A fresh request id with this node as origin.
    public func makeRequestID() -> RequestID {
        sequenceLock.lock()
        defer { sequenceLock.unlock() }
        nextSequence += 1
        return RequestID(origin: id, sequence: nextSequence)
    }

    /// Hands a request to the node; `onEvent` gets its tokens and exactly one end, in order, on
    /// the runtime's delivery queue (a slow callback delays other clients, never the node).
    public func submit(_ request: ClientRequest, onEvent: @escaping @Sendable (CompletionEvent) -> Void) {
        loop.async {
            guard !self.stopped else {
                self.delivery.async { onEvent(.failed(.unavailable("node \(self.id) is shutting down"))) }
                return
            }
            self.clients[request.id] = onEvent
            self.handle(.clientRequest(request))
        }
    }

    /// The client went away or asked to stop.
    public func cancel(_ request: RequestID) {
        loop.async { self.handle(.clientCancel(request)) }
    }

    // MARK: Inspection

    /// A consistent view of the node for status endpoints and tests.
    /// What the node knows at one moment: peers, topology, placement, and which requests hold
    /// state where (the node's tables and the executor's caches).
    public struct Snapshot: Sendable {
        public var peers: [NodeID]
        public var topology: Topology
        public var placement: Placement?
        public var activeRequests: [RequestID]
        public var shardRequests: [RequestID]
        public var executorRequests: [RequestID]
        public var traceEvents: Int
    }

    public func snapshot() -> Snapshot {
        var s: Snapshot?
        onLoop {
            s = Snapshot(peers: node.knownPeers, topology: node.topology, placement: node.placement,
                         activeRequests: node.activeRequestIDs, shardRequests: node.shardRequestIDs,
                         executorRequests: [], traceEvents: traceCount)
        }
        var snapshot = s ?? Snapshot(peers: [], topology: Topology(), placement: nil, activeRequests: [], shardRequests: [],
                                     executorRequests: [], traceEvents: 0)
        snapshot.executorRequests = executor.activeRequests
        return snapshot
    }

    // MARK: Events and effects

    private func enqueue(_ event: TransportEvent) {
        loop.async {
            switch event {
            case .peerUp(let peer): self.handle(.peerConnected(peer))
            case .peerDown(let peer, let reason): self.handle(.peerDisconnected(peer, reason: reason))
            case .message(let peer, let message): self.handle(.message(from: peer, message))
            case .roundTrip(let peer, let seconds):
                // Latency is half the connect round trip; the bandwidth comes from large frames
                // later (the default link figure stands in until then).
                let bandwidth = self.measuredBandwidth[peer] ?? LinkProfile.gigabitEthernet.bandwidthBytesPerSecond
                self.measuredLatency[peer] = seconds / 2
                self.handle(.linkMeasured(self.id, peer, latencySeconds: seconds / 2, bandwidthBytesPerSecond: bandwidth))
            case .bandwidth(let peer, let rate):
                // Smoothed over samples; latency from the connect (or 0 until measured).
                let smoothed = self.measuredBandwidth[peer].map { 0.7 * $0 + 0.3 * rate } ?? rate
                self.measuredBandwidth[peer] = smoothed
                self.handle(.linkMeasured(self.id, peer, latencySeconds: self.measuredLatency[peer] ?? 0, bandwidthBytesPerSecond: smoothed))
            }
        }
    }

    /// Feeds one event to the node and carries out its effects. Loop queue only.
    private func handle(_ event: NodeEvent) {
        guard !stopped else { return }
        let effects = node.handle(event, now: now())
        for effect in effects { apply(effect) }
    }

    private func apply(_ effect: NodeEffect) {
        switch effect {
        case .send(let to, let message):
            let frame = FrameCodec.encode(message, hiddenDType: settings.hiddenDType, authenticator: authenticator)
            transport?.send(frame, to: to)
        case .compute(let task):
            let delay = settings.computeDelaySeconds
            computeQueue.async {
                if delay > 0 { usleep(UInt32(min(delay, 60) * 1e6)) }
                let output = self.executor.run(task)
                self.loop.async { self.handle(.computeFinished(taskID: task.id, output)) }
            }
        case .releaseState(let request):
            computeQueue.async { self.executor.release(request) }
        case .setTimer(let timer, let at):
            setTimer(timer, at: at)
        case .cancelTimer(let timer):
            timers.removeValue(forKey: timer)?.source.cancel()
        case .deliverToken(let request, _, let token, let logprobs):
            if let callback = clients[request] {
                delivery.async {
                    callback(.token(token))
                    if let logprobs { callback(.logprobs(logprobs)) }
                }
            }
        case .finish(let request, let outcome):
            guard let callback = clients.removeValue(forKey: request) else { return }
            switch outcome {
            case .completed(let reason): delivery.async { callback(.finished(reason)) }
            case .failed(let failure):
                if failure != .cancelled { log("request \(request) failed: \(failure.message)") }
                delivery.async { callback(.failed(CompletionFailure(failure))) }
            }
        case .disconnect(let peer, let reason):
            transport?.disconnect(peer, reason: reason)
        case .log(let line):
            log(line)
        case .trace(let event):
            traceCount += 1
            onTrace?(event)
        }
    }

    private func setTimer(_ timer: NodeTimer, at: UInt64) {
        timers.removeValue(forKey: timer)?.source.cancel()
        let source = DispatchSource.makeTimerSource(queue: loop)
        let current = now()
        let delay = at > current ? at - current : 0
        source.schedule(deadline: .now() + .nanoseconds(Int(min(delay, UInt64(Int.max)))))
        timerGeneration += 1
        let generation = timerGeneration
        source.setEventHandler { [weak self] in
            guard let self, let registered = self.timers[timer], registered.generation == generation else { return }
            self.timers[timer] = nil
            registered.source.cancel()
            self.handle(.timerFired(timer))
        }
        timers[timer] = (source, generation)
        source.resume()
    }
}

/// Stable small numbers for request ids (activation capture keys them by integer).
final class RequestNumbering: @unchecked Sendable {
    private let lock = NSLock()
    private var numbers: [RequestID: Int] = [:]
    func number(for request: RequestID) -> Int {
        lock.lock(); defer { lock.unlock() }
        if let n = numbers[request] { return n }
        let n = numbers.count
        numbers[request] = n
        return n
    }
    func existing(_ request: RequestID) -> Int? {
        lock.lock(); defer { lock.unlock() }
        return numbers[request]
    }
}

/// A flag that is set once, from any thread.
final class EventFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false
    /// True the first time only.
    func setOnce() -> Bool {
        lock.lock(); defer { lock.unlock() }
        if set { return false }
        set = true
        return true
    }
}
