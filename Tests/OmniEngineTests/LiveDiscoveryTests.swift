import Foundation
import Testing
@testable import OmniEngine

/// What a discovery published, most recent last.
final class LivePublishedTargets: @unchecked Sendable {
    private let lock = NSLock()
    private var lists: [[PeerTarget]] = []
    func publish(_ list: [PeerTarget]) { lock.lock(); lists.append(list); lock.unlock() }
    var latest: [PeerTarget]? { lock.lock(); defer { lock.unlock() }; return lists.last }
}

/// UDP beacons and peers files, in this process on loopback.
@Suite struct LiveDiscoveryTests {
    static let loopback: UInt32 = 0x7f00_0001

    @Test func beaconsAreCheckedForKeyFreshnessAndDuplicateIDsAndForgotten() throws {
        let port = UInt16(20_000 + Int((getpid() + 3_331) % 20_000))
        let key = FrameAuthenticator(passphrase: "k")
        var settings = UDPDiscovery.Settings(me: "me", tcpPort: 4000, model: "llama", port: port,
                                             destinations: [IPv4Endpoint.loopbackBroadcast], bindAddress: IPv4Endpoint.loopbackBroadcast,
                                             authenticator: key)
        settings.interval = 0.1
        settings.expiry = 1
        let published = LivePublishedTargets(), log = LiveLogLines()
        let discovery = UDPDiscovery(settings: settings, publish: { published.publish($0) }, log: { log.append($0) })
        try discovery.start()
        defer { discovery.stop() }
        let sender = try Socket.udpSender()
        defer { sender.close() }
        let destination = IPv4Endpoint(address: IPv4Endpoint.loopbackBroadcast, port: port)
        func send(_ node: NodeID, tcp: UInt16, key: FrameAuthenticator?, age: Double = 0) throws {
            let now = UInt64(Date().timeIntervalSince1970 * 1000) - UInt64(age * 1000)
            var random = SystemRandomNumberGenerator()
            let beacon = DiscoveryBeacon(node: node, tcpPort: tcp, model: "llama", timestampMilliseconds: now, nonce: random.next())
            try sender.send(datagram: try beacon.encode(authenticator: key), to: destination)
        }

        try send("x", tcp: 4001, key: key)
        #expect(LiveTest.eventually(5) { published.latest == [PeerTarget(endpoint: IPv4Endpoint(address: Self.loopback, port: 4001), node: "x")] },
                "\(log.all)")
        try send("intruder", tcp: 4002, key: FrameAuthenticator(passphrase: "other"))
        try send("old", tcp: 4003, key: key, age: 3600)
        try send("me", tcp: 4004, key: key)
        try send("plain", tcp: 4005, key: nil)
        #expect(LiveTest.eventually(5) {
            log.contains("ignoring beacons from 127.0.0.1: cluster key mismatch") && log.contains("stale beacon from old")
                && log.contains("WARNING: the node at 127.0.0.1:4004 announces this node's id me")
        }, "\(log.all)")
        #expect(published.latest?.map(\.node) == ["x"])
        // Our own beacons (same id and port) are ignored quietly.
        #expect(!log.contains("127.0.0.1:4000"))
        // x falls silent: it is forgotten after the expiry.
        #expect(LiveTest.eventually(5) { published.latest == [] && log.contains("forgot x") }, "\(log.all)")
    }

    @Test func aPeersFileIsReadAgainWhenItChanges() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("peers")
        let published = LivePublishedTargets(), log = LiveLogLines()
        let manual = ManualDiscovery(path: file.path, pollInterval: 0.05, publish: { published.publish($0) }, log: { log.append($0) })
        manual.start()
        defer { manual.stop() }
        #expect(published.latest == [])
        #expect(log.contains("cannot be read"))
        try Data("127.0.0.1:7001\n".utf8).write(to: file)
        #expect(LiveTest.eventually(5) { published.latest?.map(\.endpoint.port) == [7001] })
        try Data("a@127.0.0.1:7001\n127.0.0.1:7002\nbad line\n".utf8).write(to: file)
        #expect(LiveTest.eventually(5) { published.latest?.map(\.endpoint.port) == [7001, 7002] }, "\(log.all)")
        #expect(published.latest?.first?.node == "a")
        #expect(log.contains("peers:3: 'bad line'"))
    }
}
