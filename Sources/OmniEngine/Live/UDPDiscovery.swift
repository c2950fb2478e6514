import Foundation

/// Finds peers by UDP broadcast: every `interval` seconds it sends a `DiscoveryBeacon` (node id,
/// TCP port, model, HMAC with a cluster key) to each broadcast address, listens on the same
/// port (shared with other nodes on this machine), and reports the peers heard within `expiry`
/// seconds as targets. Own beacons are ignored; another node announcing this node's id is
/// reported loudly, once per address.
final class UDPDiscovery: @unchecked Sendable {
    struct Settings {
        var me: NodeID
        var tcpPort: UInt16
        var model: String
        var port: UInt16
        /// Where beacons go (host byte order), e.g. every interface's broadcast address.
        var destinations: [UInt32]
        /// Where the listener binds: 0.0.0.0, or 127.255.255.255 to stay on loopback.
        var bindAddress: UInt32
        var authenticator: FrameAuthenticator?
        var interval = 2.5
        var expiry = 30.0
        /// With a cluster key, beacons older (or newer) than this are replays or skewed clocks.
        var maxBeaconAgeSeconds = 120.0
    }

    private struct Heard {
        var endpoint: IPv4Endpoint
        var lastHeard: UInt64
        /// Last beacon that came from `endpoint` (a node on this machine is heard on loopback
        /// and on its LAN address; the address in use is kept while it stays fresh).
        var endpointHeard: UInt64
        var nonces: [UInt64]
    }

    let settings: Settings
    private let publish: @Sendable ([PeerTarget]) -> Void
    private let log: @Sendable (String) -> Void
    private let lock = NSLock()
    private var heard: [NodeID: Heard] = [:]
    private var warned: Set<String> = []
    private var stopped = false
    private var receiver: Socket?
    private var sender: Socket?
    private var lastPublished: [PeerTarget] = []

    init(settings: Settings, publish: @escaping @Sendable ([PeerTarget]) -> Void, log: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.publish = publish
        self.log = log
    }

    func start() throws {
        let receiver = try Socket.bindUDP(on: IPv4Endpoint(address: settings.bindAddress, port: settings.port))
        try receiver.setReceiveTimeout(0.25)
        let sender = try Socket.udpSender()
        lock.lock()
        self.receiver = receiver
        self.sender = sender
        lock.unlock()
        Thread.detachNewThread { [self] in receiveLoop(receiver) }
        Thread.detachNewThread { [self] in sendLoop(sender) }
    }

    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }

    private var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    private static func wallMilliseconds() -> UInt64 { UInt64(max(0, Date().timeIntervalSince1970 * 1000)) }

    private func sendLoop(_ socket: Socket) {
        var generator = SystemRandomNumberGenerator()
        var failedOnce: Set<UInt32> = []
        while !isStopped {
            let beacon = DiscoveryBeacon(node: settings.me, tcpPort: settings.tcpPort, model: settings.model,
                                         timestampMilliseconds: Self.wallMilliseconds(), nonce: generator.next())
            if let bytes = try? beacon.encode(authenticator: settings.authenticator) {
                for destination in settings.destinations {
                    do {
                        try socket.send(datagram: bytes, to: IPv4Endpoint(address: destination, port: settings.port))
                    } catch {
                        if failedOnce.insert(destination).inserted { log("discovery: cannot send beacons: \(error.localizedDescription)") }
                    }
                }
            }
            expireAndPublish()
            var waited = 0.0
            while waited < settings.interval && !isStopped {
                usleep(50_000)
                waited += 0.05
            }
        }
        socket.close()
    }

    private func receiveLoop(_ socket: Socket) {
        while !isStopped {
            let received: ([UInt8], IPv4Endpoint)?
            do {
                received = try socket.receiveDatagram(maxBytes: DiscoveryBeacon.maxByteCount + 1)
            } catch {
                log("discovery: \(error.localizedDescription)")
                usleep(250_000)
                continue
            }
            guard let (datagram, source) = received else { continue }
            handle(datagram, from: source)
        }
        socket.close()
    }

    private func warnOnce(_ key: String, _ line: String) {
        lock.lock()
        let first = warned.insert(key).inserted
        lock.unlock()
        if first { log(line) }
    }

    private func handle(_ datagram: [UInt8], from source: IPv4Endpoint) {
        let beacon: DiscoveryBeacon
        do {
            beacon = try DiscoveryBeacon.decode(datagram, authenticator: settings.authenticator)
        } catch {
            let reason: String
            if case .authenticationFailed = error { reason = "cluster key mismatch (\(error.localizedDescription))" } else { reason = error.localizedDescription }
            warnOnce("bad:\(source.host)", "discovery: ignoring beacons from \(source.host): \(reason)")
            return
        }
        let endpoint = IPv4Endpoint(address: source.address, port: beacon.tcpPort)
        if beacon.node == settings.me {
            if beacon.tcpPort != settings.tcpPort {
                warnOnce("dup:\(endpoint)", "WARNING: the node at \(endpoint) announces this node's id \(settings.me); give each node its own --node-id or --state-dir")
            }
            return
        }
        if settings.authenticator != nil {
            guard beacon.isFresh(nowMilliseconds: Self.wallMilliseconds(), maxAgeMilliseconds: UInt64(settings.maxBeaconAgeSeconds * 1000)) else {
                warnOnce("stale:\(beacon.node)", "discovery: ignoring a stale beacon from \(beacon.node) at \(endpoint) (replayed, or its clock is off)")
                return
            }
        }
        lock.lock()
        let now = DispatchTime.now().uptimeNanoseconds
        var entry = heard[beacon.node] ?? Heard(endpoint: endpoint, lastHeard: 0, endpointHeard: now, nonces: [])
        if entry.nonces.contains(beacon.nonce) && entry.endpoint == endpoint { lock.unlock(); return }
        entry.nonces.append(beacon.nonce)
        if entry.nonces.count > 64 { entry.nonces.removeFirst(entry.nonces.count - 64) }
        let stale = now > entry.endpointHeard + UInt64((3 * settings.interval + 1) * 1e9)
        let isNew = heard[beacon.node] == nil || (entry.endpoint != endpoint && stale)
        if entry.endpoint == endpoint || stale {
            entry.endpoint = endpoint
            entry.endpointHeard = now
        }
        entry.lastHeard = now
        heard[beacon.node] = entry
        lock.unlock()
        if isNew {
            log("discovery: found \(beacon.node) at \(endpoint) (model '\(beacon.model)')")
            expireAndPublish()
        }
    }

    private func expireAndPublish() {
        let now = DispatchTime.now().uptimeNanoseconds
        let limit = UInt64(settings.expiry * 1e9)
        lock.lock()
        var gone: [NodeID] = []
        for (node, entry) in heard where now > entry.lastHeard + limit { gone.append(node) }
        for node in gone { heard[node] = nil }
        let targets = heard.sorted { $0.key < $1.key }.map { PeerTarget(endpoint: $0.value.endpoint, node: $0.key) }
        let changed = targets != lastPublished
        lastPublished = targets
        lock.unlock()
        for node in gone.sorted() {
            log(String(format: "discovery: forgot %@ (no beacon for %.0f s)", node.description, settings.expiry))
        }
        if changed { publish(targets) }
    }
}
