import Foundation
import Testing

/// Bad input over a real socket: each gets a 4xx (or a closed connection), and the server keeps serving.
@Suite struct MalformedHTTPTests {
    let chat = #"{"model":"llama","messages":[{"role":"user","content":"hi"}],"max_tokens":2,"temperature":0}"#

    func expectStillServing(_ server: APIProcess) throws {
        let r = try fetch(server.port, "GET", "/healthcheck")
        #expect(r?.status == 200)
        #expect(server.isRunning)
    }

    @Test func garbageTruncatedAndOversizedRequests() throws {
        let server = try APIProcess(["--max-body", "1000"])
        defer { server.stop() }
        // Garbage bytes.
        var c = try RawHTTPClient(port: server.port)
        c.send([0x00, 0xff, 0x13, 0x37] + Array("\r\n\r\n".utf8))
        if let r = c.readResponse() { #expect(r.status == 400) }
        try expectStillServing(server)
        // Truncated: half a request line, then the client goes away.
        c = try RawHTTPClient(port: server.port)
        c.send("POST /v1/chat/compl")
        c = try RawHTTPClient(port: server.port)
        c.send("POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"mod")
        try expectStillServing(server)
        // Headers over 64 KiB.
        c = try RawHTTPClient(port: server.port)
        c.send("GET /healthcheck HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 70_000) + "\r\n\r\n")
        #expect(c.readResponse()?.status == 431)
        // Body over --max-body, announced or chunked.
        c = try RawHTTPClient(port: server.port)
        c.send("POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 5000\r\n\r\n" + String(repeating: "x", count: 5000))
        let tooLarge = c.readResponse()
        #expect(tooLarge?.status == 413)
        #expect(tooLarge?.error?["code"] as? String == "request_too_large")
        c = try RawHTTPClient(port: server.port)
        c.send("POST /v1/chat/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + String(repeating: "x", count: 2048) + "\r\n")
        #expect(c.readResponse()?.status == 413)
        // Unsupported version.
        c = try RawHTTPClient(port: server.port)
        c.send("GET / HTTP/3.0\r\n\r\n")
        #expect(c.readResponse()?.status == 505)
        try expectStillServing(server)
    }

    @Test func badBodiesGet400AndTheConnectionStaysUsable() throws {
        let server = try APIProcess()
        defer { server.stop() }
        let c = try RawHTTPClient(port: server.port)
        let cases: [(body: [UInt8], param: String?)] = [
            (Array("{not json".utf8), nil),
            (Array(#"{"model":"llama","messages":[{"role":"user","content":"hi "#.utf8) + [0xff, 0xfe] + Array(#""}]}"#.utf8), nil),
            (Array("[]".utf8), nil),
            (Array("".utf8), nil),
            (Array(#"{"model":"llama","messages":"hi"}"#.utf8), "messages"),
            (Array(#"{"model":"llama","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}"#.utf8), "temperature"),
            (Array(#"{"model":"llama","messages":[{"role":"user","content":"hi"}],"max_tokens":"9"}"#.utf8), "max_tokens"),
            (Array(#"{"model":"llama","messages":[{"role":"user","content":"hi"}],"n":3}"#.utf8), "n"),
            (Array(String(repeating: "[", count: 5000).utf8), nil),
        ]
        for (body, param) in cases {
            c.send(Array("POST /v1/chat/completions HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            let r = c.readResponse()
            #expect(r?.status == 400, "\(String(decoding: body.prefix(60), as: UTF8.self))")
            #expect(r?.error?["type"] as? String == "invalid_request_error")
            if let param { #expect(r?.error?["param"] as? String == param) }
            let message = r?.error?["message"] as? String ?? ""
            #expect(!message.isEmpty)
        }
        // The same connection still serves a real completion.
        c.request("POST", "/v1/chat/completions", body: chat)
        let ok = c.readResponse()
        #expect(ok?.status == 200)
        #expect((ok?.json?["object"] as? String) == "chat.completion")
    }

    @Test func slowClientsDoNotBlockOthersAndAreTimedOut() throws {
        let server = try APIProcess(["--header-timeout", "1"])
        defer { server.stop() }
        // Many idle connections hold no thread and do not stop the server from answering.
        let idle = try (0..<300).map { _ in try RawHTTPClient(port: server.port) }
        try expectStillServing(server)
        // Slowloris: a request head that never completes, on several connections.
        let slow = try (0..<5).map { _ in try RawHTTPClient(port: server.port) }
        for s in slow { s.send("GET /healthcheck HTTP/1.1\r\nX-Slow: ") }
        // Everyone else is served meanwhile.
        for _ in 0..<3 { try expectStillServing(server) }
        let r = try fetch(server.port, "POST", "/v1/chat/completions", body: chat)
        #expect(r?.status == 200)
        // The slow ones get 408 and are closed after the header timeout.
        for s in slow {
            let answer = s.readResponse()
            #expect(answer == nil || answer?.status == 408)
            #expect(s.isClosedByServer())
        }
        withExtendedLifetime(idle) {}
    }
}
