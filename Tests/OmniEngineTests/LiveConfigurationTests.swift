import Foundation
import Testing
@testable import OmniEngine

/// Peers files, node identity, addresses and the client port's request lines.
@Suite struct LiveConfigurationTests {
    @Test func peersFileLinesParseAndBadOnesAreNamedByLine() {
        let text = """
        # the lab
        127.0.0.1:5679
        b@127.0.0.1:5680   # with id

        10.0.0.7:70000
        nonsense
        @127.0.0.1:1
        127.0.0.1:5679
        """
        let (targets, errors) = ManualDiscovery.parse(text, file: "peers.txt")
        #expect(targets == [PeerTarget(endpoint: IPv4Endpoint(address: 0x7f00_0001, port: 5679), node: nil),
                            PeerTarget(endpoint: IPv4Endpoint(address: 0x7f00_0001, port: 5680), node: "b")])
        let messages = errors.map(\.localizedDescription)
        #expect(messages.count == 3)
        #expect(messages[0].hasPrefix("peers.txt:5: '10.0.0.7:70000'"), "\(messages)")
        #expect(messages[1].hasPrefix("peers.txt:6: 'nonsense'"))
        #expect(messages[2].hasPrefix("peers.txt:7:") && messages[2].contains("node id"))
    }

    @Test func addressesRoundTripAndHostNamesAreRefused() throws {
        let e = try IPv4Endpoint(parsing: "192.168.1.20:5679")
        #expect(e.description == "192.168.1.20:5679")
        #expect(!e.isLoopback)
        #expect(try IPv4Endpoint(parsing: "localhost:1").isLoopback)
        #expect(throws: LiveError.self) { try IPv4Endpoint(parsing: "example.com:80") }
        #expect(throws: LiveError.self) { try IPv4Endpoint(parsing: "127.0.0.1") }
        #expect(IPv4Endpoint.interfaceBroadcastAddresses().contains(IPv4Endpoint.loopbackBroadcast))
    }

    @Test func nodeIDIsGeneratedOnceAndKept() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state").path
        let first = try NodeIdentity.resolve(given: nil, stateDirectory: state)
        let second = try NodeIdentity.resolve(given: nil, stateDirectory: state)
        #expect(first == second)
        #expect(first.rawValue.hasPrefix("node-"))
        #expect(try NodeIdentity.resolve(given: "kitchen", stateDirectory: state) == "kitchen")
        #expect(throws: LiveError.self) { try NodeIdentity.resolve(given: "two words", stateDirectory: state) }
        try Data("bad id\n".utf8).write(to: URL(fileURLWithPath: state + "/node_id"))
        #expect(throws: LiveError.self) { try NodeIdentity.resolve(given: nil, stateDirectory: state) }
        #expect(NodeIdentity.defaultStateDirectory(environment: ["XDG_STATE_HOME": "/x", "HOME": "/h"]) == "/x/omni")
        #expect(NodeIdentity.defaultStateDirectory(environment: ["HOME": "/h"]) == "/h/.omni")
    }

    @Test func bandwidthIsMeasuredOnceAndCachedPerProcessor() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try #require(BandwidthCalibration.bandwidth(stateDirectory: dir.path, processor: "cpu A", bytes: 1 << 20))
        #expect(first > 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(BandwidthCalibration.fileName).path))
        #expect(BandwidthCalibration.bandwidth(stateDirectory: dir.path, processor: "cpu A") == first)
        // Another processor (the state directory moved machines) is measured again.
        let data = try Data(contentsOf: dir.appendingPathComponent(BandwidthCalibration.fileName))
        _ = BandwidthCalibration.bandwidth(stateDirectory: dir.path, processor: "cpu B", bytes: 1 << 20)
        #expect(try Data(contentsOf: dir.appendingPathComponent(BandwidthCalibration.fileName)) != data)
    }

    @Test func outboundQueueRefusesFramesBeyondItsLimit() throws {
        let (a, b) = try LiveTest.loopbackPair()
        defer { a.close(); b.close() }
        let connection = PeerConnection(socket: a, remote: .any, outgoing: true, serial: 1, maxQueuedBytes: 100)
        guard case .queued = connection.enqueue([UInt8](repeating: 1, count: 60)) else { Issue.record("first frame refused"); return }
        guard case .overflow(let queued) = connection.enqueue([UInt8](repeating: 1, count: 60)) else { Issue.record("no overflow"); return }
        #expect(queued == 60)
        connection.close(reason: "test")
        guard case .closed = connection.enqueue([1]) else { Issue.record("closed connection accepted a frame"); return }
        #expect(connection.closeReason == "test")
    }
}
