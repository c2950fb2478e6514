import Foundation

/// An address some discovery advertises as a peer, with the peer's id when it is known.
public struct PeerTarget: Hashable, Sendable {
    public var endpoint: IPv4Endpoint
    public var node: NodeID?

    public init(endpoint: IPv4Endpoint, node: NodeID?) {
        self.endpoint = endpoint
        self.node = node
    }
}

/// What the transport reports to the runtime, in order.
enum TransportEvent: Sendable {
    /// A connection to a peer finished its handshake (the node greets the peer on each, so a
    /// peer that restarted and reconnected before its old connection broke still gets a hello).
    case peerUp(NodeID)
    /// The last connection to a peer closed.
    case peerDown(NodeID, reason: String)
    case message(NodeID, PeerMessage)
    /// A round-trip time measured on a new outgoing connection (the TCP connect).
    case roundTrip(NodeID, seconds: Double)
    /// Receive rate of a large frame from the peer (bytes per second while it streamed in).
    case bandwidth(NodeID, bytesPerSecond: Double)
}

/// TCP connections between nodes: a listener, dialing of advertised peers with backoff, the
/// connection handshake, a reader thread per connection feeding a `FrameDecoder`, and a bounded
/// outbound queue per connection.
///
/// Two nodes may end up with two connections (both dialed at once, or a peers file without ids):
/// both stay open, messages are read from both and sent on one chosen the same way at both ends
/// (the newest one dialed by the smaller id), and the peer is down only when its last connection
/// closes.
final class PeerTransport: @unchecked Sendable {
    struct Settings {
        var me: NodeID
        var listen: IPv4Endpoint
        var authenticator: FrameAuthenticator?
        var maxQueuedBytesPerPeer = 64 << 20
        var maxFrameBytes = FrameCodec.defaultMaxFrameBytes
        var connectTimeout = 2.0
        var handshakeTimeout = 5.0
        var minBackoff = 0.1
        var maxBackoff = 5.0
        /// UDP discovery knows every id: then only the node with the smaller id dials, unless
        /// a peer stays unconnected for `largerIDDialDelay` seconds (it may not hear our beacons).
        var onlySmallerIDDials = false
        var largerIDDialDelay = 10.0
        /// Incoming connections still in their handshake beyond this are refused at once.
        var maxPendingIncoming = 64
    }

    private struct TargetState {
        var target: PeerTarget
        /// When discovery first advertised it.
        var since: UInt64
        var learnedID: NodeID?
        var dialing = false
        var nextAttempt: UInt64 = 0
        var backoff: Double
        var failures = 0
        var isSelf = false
        var id: NodeID? { target.node ?? learnedID }
    }

    let settings: Settings
    private let deliver: @Sendable (TransportEvent) -> Void
    private let log: @Sendable (String) -> Void
    private let lock = NSLock()
    private var listener: Socket?
    private var connections: [UInt64: PeerConnection] = [:]
    private var byPeer: [NodeID: [UInt64]] = [:]
    private var targets: [String: [PeerTarget]] = [:]
    private var targetStates: [IPv4Endpoint: TargetState] = [:]
    private var nextSerial: UInt64 = 1
    private var stopped = false
    private var pendingIncoming = 0
    /// When each refusal (remote and reason) was last logged: a refused peer retries every few
    /// seconds, the log repeats it at most once a minute.
    private var refusalsLogged: [String: UInt64] = [:]
    private var acceptErrorsLogged: Set<String> = []
    private var warnedPendingLimit = false
    private let localAddresses: Set<UInt32>
    private(set) var listenEndpoint: IPv4Endpoint?

    init(settings: Settings, deliver: @escaping @Sendable (TransportEvent) -> Void, log: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.deliver = deliver
        self.log = log
        var local = Set(IPv4Endpoint.interfaceAddresses())
        local.insert(0)
        self.localAddresses = local
    }

    private static func monotonicNow() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    // MARK: Life cycle

    /// Binds the listener and starts the accept and dial threads.
    func start() throws {
        let socket = try Socket.listenTCP(on: settings.listen)
        listener = socket
        listenEndpoint = socket.localEndpoint
        Thread.detachNewThread { [self] in acceptLoop(socket) }
        Thread.detachNewThread { [self] in dialLoop() }
    }

    /// Closes the listener and every connection.
    func stop() {
        lock.lock()
        stopped = true
        let all = Array(connections.values)
        lock.unlock()
        listener?.shutdown()
        for c in all { c.close(reason: "this node is shutting down") }
    }

    // MARK: Targets

    /// Replaces the peers one discovery source (e.g. "udp", "manual") advertises.
    func setTargets(_ list: [PeerTarget], source: String) {
        lock.lock()
        defer { lock.unlock() }
        targets[source] = list
        var wanted: [IPv4Endpoint: PeerTarget] = [:]
        for source in targets.keys.sorted() {
            for t in targets[source] ?? [] where wanted[t.endpoint]?.node == nil { wanted[t.endpoint] = t }
        }
        for endpoint in targetStates.keys where wanted[endpoint] == nil { targetStates[endpoint] = nil }
        for (endpoint, t) in wanted {
            if var state = targetStates[endpoint] {
                if state.target.node != t.node { state.target = t; state.isSelf = false }
                targetStates[endpoint] = state
            } else {
                targetStates[endpoint] = TargetState(target: t, since: Self.monotonicNow(), backoff: settings.minBackoff)
            }
        }
    }

    /// Peers with at least one established connection, sorted.
    var connectedPeers: [NodeID] {
        lock.lock(); defer { lock.unlock() }
        return byPeer.filter { !$0.value.isEmpty }.keys.sorted()
    }

    private func isOwnAddress(_ endpoint: IPv4Endpoint) -> Bool {
        guard let mine = listenEndpoint, endpoint.port == mine.port else { return false }
        return endpoint.isLoopback || localAddresses.contains(endpoint.address) || mine.address == endpoint.address
    }

    private func dialLoop() {
        while true {
            lock.lock()
            if stopped { lock.unlock(); return }
            let now = Self.monotonicNow()
            var toDial: [IPv4Endpoint] = []
            for (endpoint, state) in targetStates.sorted(by: { $0.key < $1.key }) {
                guard !state.dialing, !state.isSelf, now >= state.nextAttempt, !isOwnAddress(endpoint) else { continue }
                if let id = state.id {
                    if id == settings.me { continue }
                    if !(byPeer[id] ?? []).isEmpty { continue }
                    if settings.onlySmallerIDDials && !(settings.me < id)
                        && now < state.since + UInt64(settings.largerIDDialDelay * 1e9) { continue }
                }
                targetStates[endpoint]?.dialing = true
                toDial.append(endpoint)
            }
            lock.unlock()
            for endpoint in toDial {
                Thread.detachNewThread { [self] in dial(endpoint) }
            }
            usleep(50_000)
        }
    }

    private func dialFinished(_ endpoint: IPv4Endpoint, error: String?, learned: NodeID? = nil, isSelf: Bool = false) {
        lock.lock()
        defer { lock.unlock() }
        guard var state = targetStates[endpoint] else { return }
        state.dialing = false
        if let learned { state.learnedID = learned }
        if isSelf { state.isSelf = true }
        if let error {
            state.failures += 1
            if state.failures == 1 { log("cannot reach peer \(endpoint): \(error); retrying with backoff") }
            state.nextAttempt = Self.monotonicNow() + UInt64(state.backoff * 1e9)
            state.backoff = min(settings.maxBackoff, state.backoff * 2)
        } else {
            state.failures = 0
            state.backoff = settings.minBackoff
            state.nextAttempt = Self.monotonicNow() + UInt64(settings.minBackoff * 1e9)
        }
        targetStates[endpoint] = state
    }

    private func dial(_ endpoint: IPv4Endpoint) {
        let socket: Socket
        let started = Self.monotonicNow()
        do {
            socket = try Socket.connectTCP(to: endpoint, timeout: settings.connectTimeout)
        } catch {
            dialFinished(endpoint, error: error.localizedDescription)
            return
        }
        // A TCP connect takes one round trip (SYN, SYN-ACK).
        let roundTrip = Double(Self.monotonicNow() - started) / 1e9
        run(socket: socket, remote: endpoint, outgoing: true, roundTrip: roundTrip)
    }

    private func acceptLoop(_ listener: Socket) {
        while true {
            let accepted: (Socket, IPv4Endpoint)
            do {
                accepted = try listener.accept()
            } catch {
                lock.lock()
                let done = stopped
                lock.unlock()
                if done { listener.close(); return }
                lock.lock()
                let first = acceptErrorsLogged.insert(error.localizedDescription).inserted
                lock.unlock()
                if first { log("accept failed: \(error.localizedDescription)") }
                usleep(100_000)
                continue
            }
            lock.lock()
            let admitted = pendingIncoming < settings.maxPendingIncoming
            if admitted { pendingIncoming += 1 }
            let warn = !admitted && !warnedPendingLimit
            if warn { warnedPendingLimit = true }
            lock.unlock()
            guard admitted else {
                if warn { log("refusing connections: \(settings.maxPendingIncoming) are already in their handshake (a scan or a flood?)") }
                accepted.0.close()
                continue
            }
            Thread.detachNewThread { [self] in run(socket: accepted.0, remote: accepted.1, outgoing: false) }
        }
    }

    // MARK: Connections

    /// Handshake, register, read until the connection ends, unregister. Runs on the
    /// connection's own thread.
    private func run(socket: Socket, remote: IPv4Endpoint, outgoing: Bool, roundTrip: Double? = nil) {
        lock.lock()
        if stopped {
            if !outgoing { pendingIncoming -= 1 }
            lock.unlock()
            socket.close()
            return
        }
        let connection = PeerConnection(socket: socket, remote: remote, outgoing: outgoing, serial: nextSerial,
                                        maxQueuedBytes: settings.maxQueuedBytesPerPeer)
        nextSerial += 1
        connections[connection.serial] = connection
        lock.unlock()

        let handshake = Result {
            try ConnectionHandshake.perform(on: socket, me: settings.me, authenticator: settings.authenticator,
                                            peer: remote.description, timeout: settings.handshakeTimeout)
        }
        if !outgoing { lock.lock(); pendingIncoming -= 1; lock.unlock() }
        let peer: NodeID
        switch handshake {
        case .success(let id):
            peer = id
        case .failure(LiveError.handshake(_, let reason)):
            let key = "\(outgoing ? remote.description : remote.host)|\(reason)"
            let now = Self.monotonicNow()
            lock.lock()
            let due = refusalsLogged[key].map { now >= $0 + 60_000_000_000 } ?? true
            if due { refusalsLogged[key] = now }
            lock.unlock()
            if due { log("refused peer \(remote): \(reason)") }
            finishUnregistered(connection, dialed: outgoing ? remote : nil, error: reason)
            return
        case .failure(let error):
            if outgoing { log("handshake with \(remote) failed: \(error.localizedDescription)") }
            finishUnregistered(connection, dialed: outgoing ? remote : nil, error: error.localizedDescription)
            return
        }
        if peer == settings.me {
            let own = outgoing && isOwnAddress(remote)
            if outgoing && !own {
                log("WARNING: the node at \(remote) uses this node's id \(peer); give each node its own --node-id or --state-dir")
            }
            finishUnregistered(connection, dialed: outgoing ? remote : nil, error: nil, learned: peer, isSelf: outgoing)
            return
        }
        if let expected = outgoing ? targetID(remote) : nil, expected != peer {
            log("refused peer \(remote): it says it is \(peer), discovery announced \(expected)")
            finishUnregistered(connection, dialed: remote, error: "it says it is \(peer), not \(expected)")
            return
        }

        lock.lock()
        connection.peer = peer
        byPeer[peer, default: []].append(connection.serial)
        deliver(.peerUp(peer))
        if let roundTrip { deliver(.roundTrip(peer, seconds: roundTrip)) }
        lock.unlock()
        if outgoing { dialFinished(remote, error: nil, learned: peer) }
        let writer = Thread { connection.runWriter() }
        writer.start()

        let reason = readLoop(connection, peer: peer)
        connection.close(reason: reason)

        lock.lock()
        connections[connection.serial] = nil
        byPeer[peer]?.removeAll { $0 == connection.serial }
        if byPeer[peer]?.isEmpty ?? false {
            byPeer[peer] = nil
            deliver(.peerDown(peer, reason: connection.closeReason ?? reason))
        }
        if outgoing, let state = targetStates[remote] {
            targetStates[remote]?.nextAttempt = max(state.nextAttempt, Self.monotonicNow() + UInt64(settings.minBackoff * 1e9))
        }
        lock.unlock()
        connection.waitForWriter(timeout: 2)
        socket.close()
    }

    private func targetID(_ endpoint: IPv4Endpoint) -> NodeID? {
        lock.lock(); defer { lock.unlock() }
        return targetStates[endpoint]?.target.node
    }

    private func finishUnregistered(_ connection: PeerConnection, dialed: IPv4Endpoint?, error: String?,
                                    learned: NodeID? = nil, isSelf: Bool = false) {
        lock.lock()
        connections[connection.serial] = nil
        lock.unlock()
        connection.socket.close()
        if let dialed { dialFinished(dialed, error: error, learned: learned, isSelf: isSelf) }
    }

    /// Reads frames until the connection fails; returns why it ended.
    private func readLoop(_ connection: PeerConnection, peer: NodeID) -> String {
        var decoder = FrameDecoder(maxFrameBytes: settings.maxFrameBytes, authenticator: settings.authenticator)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        // When the bytes of the frame being read started to arrive (for bandwidth samples).
        var frameStarted = Self.monotonicNow()
        while true {
            let n: Int
            do {
                n = try connection.socket.receive(into: &buffer)
            } catch {
                return connection.closeReason ?? "connection lost: \(error.localizedDescription)"
            }
            if n == 0 { return connection.closeReason ?? "connection closed by the peer" }
            let arrived = Self.monotonicNow()
            if decoder.bufferedByteCount == 0 { frameStarted = arrived }
            decoder.append(buffer[0..<n])
            do {
                var consumed = decoder.bytesConsumed
                while let message = try decoder.next() {
                    let size = decoder.bytesConsumed - consumed
                    consumed = decoder.bytesConsumed
                    // Frames of 256 KiB and more take long enough on the wire to time.
                    if size >= 256 * 1024, arrived > frameStarted {
                        deliver(.bandwidth(peer, bytesPerSecond: Double(size) / (Double(arrived - frameStarted) / 1e9)))
                    }
                    frameStarted = arrived
                    deliver(.message(peer, message))
                }
            } catch {
                let reason = "bad frame from \(peer): \(error.localizedDescription)"
                log("closing connection to \(peer) (\(connection.remote)): \(reason)")
                return reason
            }
        }
    }

    // MARK: Sending

    /// Queues a frame for `peer` on its preferred connection; returns false if there is none.
    /// A connection whose queue overflows is closed with a logged reason.
    @discardableResult
    func send(_ frame: [UInt8], to peer: NodeID) -> Bool {
        lock.lock()
        let candidates = (byPeer[peer] ?? []).compactMap { connections[$0] }
        lock.unlock()
        let me = settings.me
        let preferred = candidates.last { ($0.outgoing && me < peer) || (!$0.outgoing && peer < me) } ?? candidates.last
        guard let connection = preferred else { return false }
        switch connection.enqueue(frame) {
        case .queued: return true
        case .closed: return false
        case .overflow(let queued):
            let reason = "outbound queue to \(peer) overflowed (\(queued) bytes waiting, limit \(connection.maxQueuedBytes))"
            log("disconnecting \(peer): \(reason)")
            connection.close(reason: reason)
            return false
        }
    }

    /// Closes every connection to `peer`.
    func disconnect(_ peer: NodeID, reason: String) {
        lock.lock()
        let list = (byPeer[peer] ?? []).compactMap { connections[$0] }
        let backoff = UInt64(settings.maxBackoff * 1e9 / 4)
        for (endpoint, state) in targetStates where state.id == peer {
            targetStates[endpoint]?.nextAttempt = Self.monotonicNow() + backoff
        }
        lock.unlock()
        for c in list { c.close(reason: reason) }
    }
}
