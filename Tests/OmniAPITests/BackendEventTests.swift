import Foundation
import OmniAPI
import OmniEngine
import Testing

/// A backend whose events the test scripts: failures, endless token streams, cancellation records.
final class ScriptedBackend: CompletionBackend, @unchecked Sendable {
    enum Script { case fail(CompletionFailure), tokens([Int], thenFail: CompletionFailure?), endless([Int]) }
    let model: LocalModel
    let script: Script
    private let lock = NSLock()
    private var cancelledCount = 0
    var cancellations: Int { lock.lock(); defer { lock.unlock() }; return cancelledCount }

    init(_ script: Script) throws {
        model = try LocalModel(directory: URL(fileURLWithPath: APIProcess.fixtureModel))
        self.script = script
    }

    func submit(_ request: CompletionRequest, onEvent: @escaping @Sendable (CompletionEvent) -> Void) -> CompletionHandle {
        let handle = CompletionHandle()
        handle.setCancelAction { [weak self] in
            guard let self else { return }
            self.lock.lock(); self.cancelledCount += 1; self.lock.unlock()
        }
        switch script {
        case .fail(let failure):
            onEvent(.failed(failure))
        case .tokens(let ids, let failure):
            Thread.detachNewThread {
                for id in ids { onEvent(.token(id)) }
                onEvent(failure.map { .failed($0) } ?? .finished(.length))
            }
        case .endless(let ids):
            Thread.detachNewThread {
                // Bounded: a backend that is never cancelled still ends.
                for i in 0..<200_000 {
                    if handle.isCancelled { onEvent(.failed(.cancelled)); return }
                    onEvent(.token(ids[i % ids.count]))
                    if i % 64 == 0 { usleep(100) }
                }
                onEvent(.finished(.length))
            }
        }
        return handle
    }

    func status() -> ClusterStatus {
        // ClusterStatus has no public initializer; build it the way a peer's report would arrive.
        let json = #"{"model":"llama","numLayers":4,"strategy":"test","placementEpoch":3,"nodes":[],"links":[]}"#
        guard let status = try? JSONDecoder().decode(ClusterStatus.self, from: Data(json.utf8)) else {
            preconditionFailure("the ClusterStatus literal no longer matches the type")
        }
        return status
    }
}

/// The API over a scripted backend, in process: failure statuses, mid-stream errors, cancellation.
@Suite struct BackendEventTests {
    func serve(_ backend: ScriptedBackend) throws -> APIServer {
        let server = APIServer(backend: backend, configuration: APIConfiguration(port: 0, modelName: "llama"))
        try server.start()
        return server
    }

    func body(stream: Bool, stop: String? = nil) -> String {
        let stopField = stop.map { #","stop":"\#($0)""# } ?? ""
        return #"{"model":"llama","messages":[{"role":"user","content":"hi"}],"stream":\#(stream)\#(stopField)}"#
    }

    /// Waits, bounded, for a condition that another thread makes true.
    func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<3000 { if condition() { return true }; usleep(10_000) }
        return condition()
    }

    @Test(arguments: [
        (CompletionFailure.queueFull("64 waiting"), 429, "rate_limit_error"),
        (CompletionFailure.doesNotFit("needs 140 GiB, cluster has 96 GiB (44 GiB missing)"), 503, "service_unavailable"),
        (CompletionFailure.invalid("bad prompt"), 400, "invalid_request_error"),
        (CompletionFailure.unavailable("node b lost"), 503, "service_unavailable"),
    ])
    func failuresMapToStatuses(failure: CompletionFailure, status: Int, type: String) throws {
        let server = try serve(try ScriptedBackend(.fail(failure)))
        defer { server.stop() }
        for stream in [false, true] {
            let r = try fetch(server.boundPort, "POST", "/v1/chat/completions", body: body(stream: stream))
            #expect(r?.status == status)
            #expect(r?.error?["type"] as? String == type)
            #expect((r?.error?["message"] as? String)?.contains(failure.localizedDescription) == true)
        }
    }

    @Test func failureMidStreamIsAnErrorEvent() throws {
        let backend = try ScriptedBackend(.tokens(try ScriptedBackend(.fail(.cancelled)).model.tokenizer.encode("hello world", addSpecialTokens: false),
                                                  thenFail: .unavailable("node b lost")))
        let server = try serve(backend)
        defer { server.stop() }
        let r = try fetch(server.boundPort, "POST", "/v1/chat/completions", body: body(stream: true))
        #expect(r?.status == 200)
        let events = (r?.text ?? "").components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(events.last?.contains("\"error\"") == true)
        #expect(events.last?.contains("node b lost") == true)
        let text = r?.text ?? ""
        #expect(text.contains("data: {\"id\""))
        #expect(!text.contains("[DONE]"))
    }

    @Test func disconnectCancelsTheGeneration() throws {
        let model = try ScriptedBackend(.fail(.cancelled)).model
        let backend = try ScriptedBackend(.endless(model.tokenizer.encode("one two three", addSpecialTokens: false)))
        let server = try serve(backend)
        defer { server.stop() }
        do {
            let c = try RawHTTPClient(port: server.boundPort)
            c.request("POST", "/v1/chat/completions", body: body(stream: true))
            var seen = 0
            _ = c.readResponse { _ in seen += 1; return seen < 3 }
            #expect(seen == 3)
        }
        #expect(eventually { backend.cancellations == 1 })
    }

    @Test func stopStringEndsTheReplyAndCancelsTheBackend() throws {
        let model = try ScriptedBackend(.fail(.cancelled)).model
        let backend = try ScriptedBackend(.endless(model.tokenizer.encode("alpha beta gamma delta", addSpecialTokens: false)))
        let server = try serve(backend)
        defer { server.stop() }
        for stream in [false, true] {
            let r = try fetch(server.boundPort, "POST", "/v1/chat/completions", body: body(stream: stream, stop: "gamma"))
            #expect(r?.status == 200)
            if stream {
                #expect(r?.text.contains("gamma") == false)
                #expect(r?.text.contains(#""finish_reason":"stop""#) == true)
            } else {
                let choice = (r?.json?["choices"] as? [[String: Any]])?.first
                #expect((choice?["message"] as? [String: Any])?["content"] as? String == "alpha beta ")
                #expect(choice?["finish_reason"] as? String == "stop")
            }
        }
        #expect(eventually { backend.cancellations == 2 })
    }

    @Test func topologyComesFromTheBackend() throws {
        let server = try serve(try ScriptedBackend(.fail(.cancelled)))
        defer { server.stop() }
        let t = try fetch(server.boundPort, "GET", "/v1/topology")?.json
        #expect(t?["strategy"] as? String == "test")
        #expect(t?["placement_epoch"] as? Int == 3)
    }
}
