import Foundation
import Testing
@testable import OmniEngine

/// Helpers of the live runtime's tests.
enum LiveTest {
    /// A connected pair of loopback TCP sockets.
    static func loopbackPair() throws -> (Socket, Socket) {
    let listener = try Socket.listenTCP(on: IPv4Endpoint(address: 0x7f00_0001, port: 0))
    defer { listener.close() }
    let port = try #require(listener.localEndpoint?.port)
    let client = try Socket.connectTCP(to: IPv4Endpoint(address: 0x7f00_0001, port: port), timeout: 5)
    let (server, _) = try listener.accept()
    return (client, server)
    }

    /// Polls every 20 ms for at most `timeout` seconds.
    @discardableResult
    static func eventually(_ timeout: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline { if condition() { return true }; usleep(20_000) }
        return condition()
    }
}

/// The result of work running on another thread.
final class LiveThreadResult<T>: @unchecked Sendable {
    private var value: T?
    private let done = DispatchSemaphore(value: 0)

    /// Starts `work` on a new thread.
    init(_ work: @escaping @Sendable () -> T) {
        Thread.detachNewThread { self.value = work(); self.done.signal() }
    }

    /// Waits at most 10 s for the result.
    func wait() -> T? {
        _ = done.wait(timeout: .now() + 10)
        return value
    }
}

/// The connection handshake: ids exchanged, cluster keys checked both ways.
@Suite struct LiveHandshakeTests {
    static func handshake(keyA: String?, keyB: String?) throws -> (Result<NodeID, Error>, Result<NodeID, Error>) {
        let (a, b) = try LiveTest.loopbackPair()
        defer { a.close(); b.close() }
        let other = LiveThreadResult { () -> Result<NodeID, Error> in
            Result { try ConnectionHandshake.perform(on: b, me: "b", authenticator: keyB.map { FrameAuthenticator(passphrase: $0) }, peer: "a", timeout: 3) }
        }
        let mine = Result { try ConnectionHandshake.perform(on: a, me: "a", authenticator: keyA.map { FrameAuthenticator(passphrase: $0) }, peer: "b", timeout: 3) }
        return (mine, try #require(other.wait()))
    }

    static func message(_ r: Result<NodeID, Error>) -> String {
        if case .failure(let e) = r { return e.localizedDescription }
        return ""
    }

    @Test(arguments: [nil, "secret"] as [String?])
    func matchingKeysExchangeIDs(key: String?) throws {
        let (a, b) = try Self.handshake(keyA: key, keyB: key)
        #expect(try a.get() == "b")
        #expect(try b.get() == "a")
    }

    @Test(arguments: [("one", "two"), ("one", nil), (nil, "two")] as [(String?, String?)])
    func differentKeysAreRefusedOnBothSides(keyA: String?, keyB: String?) throws {
        let (a, b) = try Self.handshake(keyA: keyA, keyB: keyB)
        #expect(Self.message(a).contains("cluster key mismatch"), "\(Self.message(a))")
        #expect(Self.message(b).contains("cluster key mismatch"), "\(Self.message(b))")
    }

    @Test func aPeerSpeakingAnotherProtocolIsNamed() throws {
        let (a, b) = try LiveTest.loopbackPair()
        defer { a.close(); b.close() }
        try b.sendAll(Array("GET / HTTP/1.1\r\n\r\n".utf8))
        #expect(throws: LiveError.self) { try ConnectionHandshake.perform(on: a, me: "a", authenticator: nil, peer: "x", timeout: 2) }
        do { _ = try ConnectionHandshake.perform(on: a, me: "a", authenticator: nil, peer: "x", timeout: 1) } catch {
            #expect(error.localizedDescription.contains("x"))
        }
    }

    @Test func aSilentPeerTimesOut() throws {
        let (a, b) = try LiveTest.loopbackPair()
        defer { a.close(); b.close() }
        let start = Date()
        #expect(throws: LiveError.self) { try ConnectionHandshake.perform(on: a, me: "a", authenticator: nil, peer: "x", timeout: 0.3) }
        #expect(Date().timeIntervalSince(start) < 10)
    }
}
