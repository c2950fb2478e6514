import Foundation
import OmniAPI
import OmniEngine
import Testing

/// Mutated requests (seeded, so every run sends the same bytes): each is answered or closed, and
/// the server keeps serving.
@Suite struct HTTPFuzzTests {
    /// SplitMix64: a small seeded generator, so failures reproduce.
    struct SeededRandom: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func mutatedRequestsNeverStopTheServer() throws {
        let backend = try ScriptedBackend(.tokens([65, 66, 67], thenFail: nil))
        let server = APIServer(backend: backend, configuration: APIConfiguration(port: 0, maxBodyBytes: 4096, modelName: "llama"))
        try server.start()
        defer { server.stop() }
        let body = #"{"model":"llama","messages":[{"role":"user","content":"hi"}],"max_tokens":3,"stream":true,"stop":["x"]}"#
        let valid = Array("POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
        var random = SeededRandom(state: 2026)
        var answered = 0
        for _ in 0..<300 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &random), at: at)
                default: bytes = Array(bytes[..<at])
                }
                if bytes.isEmpty { bytes = [0] }
            }
            let c = try RawHTTPClient(port: server.boundPort)
            c.send(bytes)
            shutdown(c.fd, Int32(SHUT_WR))   // a truncated request ends here
            if let r = c.readResponse() {
                answered += 1
                #expect((200..<600).contains(r.status))
            }
        }
        #expect(answered > 0, "\(answered) of 300 answered")
        print("fuzz: \(answered) of 300 mutated requests answered, the rest closed")
        let r = try fetch(server.boundPort, "POST", "/v1/chat/completions", body: body)
        #expect(r?.status == 200)
    }
}
