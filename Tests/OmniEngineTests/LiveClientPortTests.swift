import Foundation
import Testing
@testable import OmniEngine

/// The internal JSON-lines client port of a single in-process node.
@Suite struct LiveClientPortTests {
    /// Sends one line and returns the lines received until the port closes the connection.
    static func exchange(_ port: UInt16, _ line: String) throws -> [String] {
        let socket = try Socket.connectTCP(to: IPv4Endpoint(address: 0x7f00_0001, port: port), timeout: 5)
        defer { socket.close() }
        try socket.setReceiveTimeout(20)
        try socket.sendAll(Array((line + "\n").utf8))
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = try socket.receive(into: &buffer)
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func requestsStatusErrorsAndDisconnects() throws {
        let log = LiveLogLines()
        let runtime = try LiveRuntimeTests.runtime("solo", discovery: .none, log: log, delay: 0.01)
        try runtime.start()
        defer { runtime.stop() }
        let clientPort = ClientPort(backend: ClusterCompletionBackend(model: try LocalModel(directory: Fixtures.model("llama")), runtime: runtime),
                                    log: { log.append($0) })
        try clientPort.start(port: 0)
        defer { clientPort.stop() }
        let port = try #require(clientPort.endpoint?.port)

        let lines = try Self.exchange(port, #"{"prompt_token_ids": [1, 2, 3], "max_tokens": 5, "ignore_eos": true}"#)
        #expect(lines.count == 6)
        #expect(lines.prefix(5).allSatisfy { $0.hasPrefix("{\"token\":") })
        #expect(lines.last == #"{"finish":"length"}"#)

        let status = try Self.exchange(port, #"{"status": true}"#)
        #expect(status.count == 1 && status[0].contains("\"strategy\":\"uniform\"") && status[0].contains("\"id\":\"solo\""), "\(status)")

        for (line, expected) in [
            (#"{"prompt_token_ids": [1, 2], "max_tokens": "many"}"#, "field 'max_tokens'"),
            (#"{"max_tokens": 3}"#, "'prompt_token_ids' is required"),
            ("not json", "not a JSON object"),
            (#"{"prompt_token_ids": [1, 99999], "max_tokens": 3}"#, "token id 99999 is outside the vocabulary"),
            (#"{"prompt_token_ids": [1], "max_tokens": 3, "temperature": -1}"#, "temperature"),
        ] {
            let answer = try Self.exchange(port, line)
            #expect(answer.count == 1 && answer[0].contains("\"error\"") && answer[0].contains(expected), "\(line): \(answer)")
        }

        // A client that goes away mid-request cancels it; nothing stays allocated.
        let socket = try Socket.connectTCP(to: IPv4Endpoint(address: 0x7f00_0001, port: port), timeout: 5)
        try socket.setReceiveTimeout(20)
        try socket.sendAll(Array((#"{"prompt_token_ids": [1, 2, 3], "max_tokens": 1000, "ignore_eos": true}"# + "\n").utf8))
        var buffer = [UInt8](repeating: 0, count: 16)
        #expect(try socket.receive(into: &buffer) > 0)
        #expect(!runtime.snapshot().activeRequests.isEmpty)
        socket.close()
        #expect(LiveTest.eventually(10) {
            let s = runtime.snapshot()
            return s.activeRequests.isEmpty && s.executorRequests.isEmpty && s.shardRequests.isEmpty
        }, "\(runtime.snapshot())")
    }
}
