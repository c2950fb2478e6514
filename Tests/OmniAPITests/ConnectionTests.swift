import Foundation
import Testing

/// Keep-alive, pipelining, chunked bodies, SSE framing and client disconnects over real sockets.
@Suite struct ConnectionTests {
    func chat(stream: Bool, maxTokens: Int = 4, extra: String = "") -> String {
        #"{"model":"llama","messages":[{"role":"user","content":"hi"}],"max_tokens":\#(maxTokens),"temperature":0,"stream":\#(stream)\#(extra)}"#
    }

    @Test func keepAliveAndPipelining() throws {
        let server = try APIProcess()
        defer { server.stop() }
        let c = try RawHTTPClient(port: server.port)
        for _ in 0..<3 {
            c.request("GET", "/v1/models")
            let r = c.readResponse()
            #expect(r?.status == 200)
            #expect(r?.header("Connection") == "keep-alive")
        }
        // Two requests in one write, answered in order.
        c.send("GET /healthcheck HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/nope HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(c.readResponse()?.status == 200)
        #expect(c.readResponse()?.status == 404)
        // HEAD: the head of the GET response, no body; the connection stays usable.
        c.send("HEAD /v1/models HTTP/1.1\r\nHost: x\r\n\r\nGET /healthcheck HTTP/1.1\r\nHost: x\r\n\r\n")
        var headLine = [UInt8](repeating: 0, count: 15)
        #expect(recv(c.fd, &headLine, 15, Int32(MSG_WAITALL)) == 15)
        #expect(String(decoding: headLine, as: UTF8.self) == "HTTP/1.1 200 OK")
        var rest: [UInt8] = []
        while !String(decoding: rest, as: UTF8.self).hasSuffix("\r\n\r\n") && rest.count < 4096 {
            var byte: UInt8 = 0
            guard recv(c.fd, &byte, 1, 0) == 1 else { break }
            rest.append(byte)
        }
        #expect(String(decoding: rest, as: UTF8.self).contains("Content-Length: "))
        #expect(c.readResponse()?.status == 200)
        // Connection: close is honoured.
        c.request("GET", "/healthcheck", headers: ["Connection: close"])
        #expect(c.readResponse()?.header("Connection") == "close")
        #expect(c.isClosedByServer())
        // HTTP/1.0 closes by default.
        let old = try RawHTTPClient(port: server.port)
        old.send("GET /healthcheck HTTP/1.0\r\n\r\n")
        #expect(old.readResponse()?.status == 200)
        #expect(old.isClosedByServer())
    }

    @Test func chunkedRequestBodyAndExpectContinue() throws {
        let server = try APIProcess()
        defer { server.stop() }
        let body = Array(chat(stream: false).utf8)
        let c = try RawHTTPClient(port: server.port)
        var request = Array("POST /v1/chat/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        for piece in stride(from: 0, to: body.count, by: 10).map({ Array(body[$0..<min($0 + 10, body.count)]) }) {
            request += Array((String(piece.count, radix: 16) + "\r\n").utf8) + piece + Array("\r\n".utf8)
        }
        c.send(request + Array("0\r\n\r\n".utf8))
        #expect(c.readResponse()?.status == 200)
        c.send("POST /v1/chat/completions HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: \(body.count)\r\n\r\n")
        var line = [UInt8](repeating: 0, count: 25)
        #expect(recv(c.fd, &line, 25, Int32(MSG_WAITALL)) == 25)
        #expect(String(decoding: line, as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
        c.send(body)
        #expect(c.readResponse()?.status == 200)
    }

    @Test func serverSentEventsFraming() throws {
        let server = try APIProcess()
        defer { server.stop() }
        let c = try RawHTTPClient(port: server.port)
        c.request("POST", "/v1/chat/completions", body: chat(stream: true, maxTokens: 6, extra: #","stream_options":{"include_usage":true}"#))
        guard let r = c.readResponse() else { Issue.record("no response"); return }
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "text/event-stream")
        #expect(r.header("Transfer-Encoding") == "chunked")
        #expect((r.chunks?.count ?? 0) >= 3)
        let events = r.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(r.text.hasSuffix("\n\n"))
        #expect(events.allSatisfy { $0.hasPrefix("data: ") && !$0.dropFirst(6).contains("\n") })
        #expect(events.last == "data: [DONE]")
        let objects = events.dropLast().compactMap { (try? JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8))) as? [String: Any] }
        #expect(objects.count == events.count - 1)
        #expect(objects.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
        let firstDelta = ((objects.first?["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])
        #expect(firstDelta?["role"] as? String == "assistant")
        let usage = objects.last?["usage"] as? [String: Any]
        #expect((usage?["completion_tokens"] as? Int ?? 0) > 0)
        // The connection is reusable after a stream.
        c.request("GET", "/healthcheck")
        #expect(c.readResponse()?.status == 200)
    }

    @Test func clientThatLeavesMidStreamDoesNotStopTheServer() throws {
        let server = try APIProcess()
        defer { server.stop() }
        for _ in 0..<3 {
            let c = try RawHTTPClient(port: server.port)
            c.request("POST", "/v1/chat/completions", body: chat(stream: true, maxTokens: 2000, extra: #","ignore_eos":true"#))
            var seen = 0
            _ = c.readResponse { _ in seen += 1; return seen < 3 }
            #expect(seen == 3)
        }   // each client closes here, mid-stream; its generation is cancelled
        // Requests run one at a time on this backend: this one completes only once the abandoned ones stopped.
        let r = try fetch(server.port, "POST", "/v1/chat/completions", body: chat(stream: false))
        #expect(r?.status == 200)
    }
}
