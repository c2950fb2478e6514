import Foundation
import Testing
@testable import OmniEngine

/// Lines a runtime logged, collected for assertions.
final class LiveLogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }
}

/// Events of one completion, collected until it ends.
final class LiveCompletionCollector: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var tokens: [Int] = []
    private(set) var end: CompletionEvent?
    func receive(_ e: CompletionEvent) {
        lock.lock(); defer { lock.unlock() }
        if case .token(let t) = e { tokens.append(t) } else { end = e }
    }
    var snapshot: ([Int], CompletionEvent?) { lock.lock(); defer { lock.unlock() }; return (tokens, end) }
}


/// `LiveNodeRuntime` in this process, on loopback sockets, over the fixture model.
@Suite struct LiveRuntimeTests {
    static func runtime(_ id: String, discovery: DiscoveryMode, log: LiveLogLines, delay: Double = 0,
                        wire: WireDType = .f32) throws -> LiveNodeRuntime {
        let checkpoint = try Checkpoint(directory: Fixtures.model("llama"))
        let profile = DeviceProfile(id: id, name: "test \(id)", totalMemoryBytes: 1 << 30, availableMemoryBytes: 1 << 30,
                                    processor: "test", cores: 1, peakFlops: .init(all: 1e11), memoryBandwidthBytesPerSecond: 1e10)
        var node = NodeConfiguration(id: NodeID(id), profile: profile, modelName: "llama", model: checkpoint.config, weightBytes: 4,
                                     strategy: try PlacementStrategies.named("uniform"))
        node.heartbeatInterval = 100_000_000
        node.peerTimeout = 2_000_000_000
        var settings = LiveNodeSettings(node: node, listen: IPv4Endpoint(address: 0x7f00_0001, port: 0), discovery: discovery)
        settings.computeDelaySeconds = delay
        settings.hiddenDType = wire
        return LiveNodeRuntime(settings: settings, checkpoint: checkpoint, log: { log.append("[\(id)] " + $0) })
    }

    @Test func twoRuntimesServeTheReferenceAndCancellationFreesEveryShard() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let peers = dir.appendingPathComponent("peers").path
        let log = LiveLogLines()
        let a = try Self.runtime("a", discovery: .manual(peersFile: peers), log: log, delay: 0.02)
        let b = try Self.runtime("b", discovery: .manual(peersFile: peers), log: log, delay: 0.02)
        try a.start(); try b.start()
        defer { a.stop(); b.stop() }
        let ports = [a, b].compactMap { $0.listenEndpoint?.port }
        try Data(ports.map { "127.0.0.1:\($0)\n" }.joined().utf8).write(to: URL(fileURLWithPath: peers))
        #expect(LiveTest.eventually { a.snapshot().peers == ["b"] && b.snapshot().peers == ["a"] }, "\(log.all)")

        let model = try LocalModel(directory: Fixtures.model("llama"))
        let backend = ClusterCompletionBackend(model: model, runtime: b)
        let greedy = try #require(try Fixtures.reference("llama")["greedy"] as? [String: Any])
        let input = (greedy["input_ids"] as? [Any])?.ints ?? [], output = (greedy["output_ids"] as? [Any])?.ints ?? []
        let done = LiveCompletionCollector()
        _ = backend.submit(CompletionRequest(promptTokens: input, maxTokens: output.count, ignoreEOS: true)) { done.receive($0) }
        #expect(LiveTest.eventually(20) { done.snapshot.1 != nil })
        #expect(done.snapshot.0 == output)
        #expect(done.snapshot.1 == .finished(.length))
        let status = backend.status()
        #expect(status.nodes.map(\.id) == ["a", "b"])
        #expect(status.nodes.map(\.layerStart) == [0, 2])
        #expect(status.nodes.map(\.isSelf) == [false, true])

        // Cancel a long request after its first token: it ends as cancelled, and no node keeps state.
        let long = LiveCompletionCollector()
        let handle = backend.submit(CompletionRequest(promptTokens: input, maxTokens: 500, ignoreEOS: true)) { long.receive($0) }
        #expect(LiveTest.eventually(20) { !long.snapshot.0.isEmpty })
        handle.cancel()
        #expect(LiveTest.eventually { long.snapshot.1 != nil })
        #expect(long.snapshot.1 == .failed(.cancelled))
        #expect(LiveTest.eventually {
            [a, b].allSatisfy { let s = $0.snapshot(); return s.executorRequests.isEmpty && s.shardRequests.isEmpty && s.activeRequests.isEmpty }
        }, "\(a.snapshot()) \(b.snapshot())")
    }

    @Test func halfPrecisionHiddenStatesOnTheWireStillServe() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let peers = dir.appendingPathComponent("peers").path
        let log = LiveLogLines()
        let a = try Self.runtime("a", discovery: .manual(peersFile: peers), log: log, wire: .bf16)
        let b = try Self.runtime("b", discovery: .manual(peersFile: peers), log: log, wire: .bf16)
        try a.start(); try b.start()
        defer { a.stop(); b.stop() }
        try Data([a, b].compactMap { $0.listenEndpoint.map { "\($0)\n" } }.joined().utf8).write(to: URL(fileURLWithPath: peers))
        #expect(LiveTest.eventually { a.snapshot().peers == ["b"] && b.snapshot().peers == ["a"] }, "\(log.all)")
        let done = LiveCompletionCollector()
        a.submit(ClientRequest(id: a.makeRequestID(), promptTokens: [1, 2, 3, 4], maxTokens: 12, ignoreEOS: true)) { done.receive($0) }
        #expect(LiveTest.eventually(20) { done.snapshot.1 != nil })
        #expect(done.snapshot.0.count == 12)
        #expect(done.snapshot.1 == .finished(.length))
    }

    /// Connects to `runtime` as a peer named `id` and completes the handshake.
    static func connect(to runtime: LiveNodeRuntime, as id: NodeID) throws -> Socket {
        let port = try #require(runtime.listenEndpoint?.port)
        let socket = try Socket.connectTCP(to: IPv4Endpoint(address: 0x7f00_0001, port: port), timeout: 5)
        #expect(try ConnectionHandshake.perform(on: socket, me: id, authenticator: nil, peer: "runtime", timeout: 5) == runtime.id)
        return socket
    }

    /// True when the other end closes `socket` within 10 s.
    static func closedByPeer(_ socket: Socket) -> Bool {
        try? socket.setReceiveTimeout(10)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            guard let n = try? socket.receive(into: &buffer) else { return false }
            if n == 0 { return true }
        }
    }

    @Test func badFramesCloseOnlyTheirConnection() throws {
        let log = LiveLogLines()
        let a = try Self.runtime("a", discovery: .none, log: log)
        try a.start()
        defer { a.stop() }

        let good = try Self.connect(to: a, as: "good")
        defer { good.close() }
        let profile = DeviceProfile(id: "good", name: "good", totalMemoryBytes: 1 << 30, availableMemoryBytes: 1 << 30, processor: "p",
                                    cores: 1, peakFlops: .init(all: 1e9), memoryBandwidthBytesPerSecond: 1e9)
        try good.sendAll(FrameCodec.encode(.hello(NodeAnnouncement(node: "good", profile: profile, model: "llama"))))
        #expect(LiveTest.eventually { a.snapshot().peers == ["good"] })

        var oversized = FrameHeader(type: .forward, flags: 0, payloadLength: Int(UInt32.max)).bytes
        oversized.append(contentsOf: [0, 0, 0])
        var unknownType = FrameCodec.encode(.heartbeat)
        unknownType[6] = 99
        let cases: [(String, [UInt8], String)] = [
            ("garbage", Array("hello there, not a frame".utf8), "bad magic"),
            ("huge", oversized, "exceeds the maximum"),
            ("alien", unknownType, "unknown message type 99"),
            ("padded", FrameHeader(type: .heartbeat, flags: 0, payloadLength: 4).bytes + [1, 2, 3, 4], "malformed heartbeat frame"),
        ]
        for (name, bytes, expected) in cases {
            let bad = try Self.connect(to: a, as: NodeID(name))
            try bad.sendAll(bytes)
            #expect(Self.closedByPeer(bad), "\(name) was not disconnected")
            bad.close()
            #expect(LiveTest.eventually { log.contains("closing connection to \(name)") && log.contains(expected) }, "\(name): \(log.all)")
        }
        // A peer whose hello names someone else is dropped by the node.
        let liar = try Self.connect(to: a, as: "liar")
        try liar.sendAll(FrameCodec.encode(.hello(NodeAnnouncement(node: "good", profile: profile, model: "llama"))))
        #expect(Self.closedByPeer(liar), "the liar was not disconnected")
        liar.close()
        #expect(log.contains("refusing peer liar: it announced itself as good"), "\(log.all)")

        // The well-behaved peer is still there and still answered.
        try good.sendAll(FrameCodec.encode(.heartbeat))
        usleep(200_000)
        #expect(a.snapshot().peers == ["good"])
        #expect(a.snapshot().topology.nodes == ["a", "good"])
    }
}
