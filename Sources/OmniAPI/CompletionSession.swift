import Foundation
import OmniEngine
import OmniTokenizer


/// One completion request in flight: turns the backend's token events into text (held back at
/// stop strings) and writes it as one JSON response or as server-sent events.
final class CompletionSession: @unchecked Sendable {
    struct Identity {
        var id: String
        var created: Int
        var model: String
    }

    private let parameters: CompletionParameters
    private let identity: Identity
    private let promptTokenCount: Int
    private let writer: ResponseWriter
    private let extraHeaders: [(String, String)]
    private let lock = NSLock()
    private var detokenizer: any TokenTextDecoder
    private var matcher: StopStringMatcher
    private var handle: CompletionHandle?
    private var done = false
    private var clientGone = false
    private var streamStarted = false
    private var text = ""
    private var completionTokens = 0
    private let tokenizer: Tokenizer
    /// The last token reported (its log-probabilities follow it).
    private var lastToken = 0
    /// Log-probabilities not yet written (streaming) / all of them (one response).
    private var pendingLogprobs: [(token: Int, logprobs: TokenLogprobs)] = []
    private var textOffset = 0

    init(parameters: CompletionParameters, identity: Identity, promptTokenCount: Int, model: LocalModel,
         writer: ResponseWriter, extraHeaders: [(String, String)]) {
        self.parameters = parameters
        self.identity = identity
        self.promptTokenCount = promptTokenCount
        self.writer = writer
        self.extraHeaders = extraHeaders
        self.detokenizer = model.makeDetokenizer()
        self.tokenizer = model.tokenizer
        self.matcher = StopStringMatcher(stops: parameters.stop)
    }

    func start(_ request: CompletionRequest, on backend: any CompletionBackend) {
        writer.onClientGone { [weak self] in self?.cancelForDisconnect() }
        // The backend keeps the session alive until its last event.
        let handle = backend.submit(request) { event in self.receive(event) }
        lock.lock()
        self.handle = handle
        let cancelNow = done
        lock.unlock()
        if cancelNow { handle.cancel() }
    }

    private func cancelForDisconnect() {
        lock.lock()
        clientGone = true
        done = true
        let handle = self.handle
        lock.unlock()
        handle?.cancel()
    }

    private func receive(_ event: CompletionEvent) {
        lock.lock()
        guard !done else { lock.unlock(); return }
        var cancelBackend = false
        switch event {
        case .logprobs(let lp):
            pendingLogprobs.append((lastToken, lp))
        case .token(let id):
            lastToken = id
            completionTokens += 1
            let piece = detokenizer.append(id)
            switch matcher.feed(piece) {
            case .emit(let s): emit(s)
            case .stopped(let s):
                emit(s)
                finish(.stop)
                cancelBackend = true
            }
        case .finished(let reason):
            switch matcher.feed(detokenizer.flush()) {
            case .emit(let s):
                emit(s)
                emit(matcher.flush())
                finish(reason)
            case .stopped(let s):
                emit(s)
                finish(.stop)
            }
        case .failed(let failure):
            done = true
            let error = APIError(failure)
            if streamStarted {
                writer.send(Self.event(error.body))
                writer.endStream()
            } else {
                writer.respond(status: error.status, headers: [("Content-Type", "application/json")] + extraHeaders, body: Array(error.body.data))
            }
        }
        let handle = self.handle
        lock.unlock()
        if cancelBackend { handle?.cancel() }
    }

    // MARK: Output (called with the lock held)

    private func emit(_ s: String) {
        guard parameters.stream else { text += s; return }
        startStreamIfNeeded()
        guard !s.isEmpty else { return }
        writer.send(Self.event(chunk(content: s, finish: nil, logprobs: takeLogprobs())))
    }

    private func startStreamIfNeeded() {
        guard !streamStarted else { return }
        streamStarted = true
        writer.startStream(status: 200, headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")] + extraHeaders)
        if parameters.kind == .chat {
            writer.send(Self.event(chunk(role: true, content: "", finish: nil)))
        }
    }

    private func finish(_ reason: FinishReason) {
        done = true
        if parameters.stream {
            startStreamIfNeeded()
            writer.send(Self.event(chunk(content: parameters.kind == .chat ? nil : "", finish: reason, logprobs: takeLogprobs())))
            if parameters.includeUsage {
                writer.send(Self.event(usageChunk()))
            }
            writer.send(Array("data: [DONE]\n\n".utf8))
            writer.endStream()
        } else {
            writer.respond(status: 200, headers: [("Content-Type", "application/json")] + extraHeaders, body: Array(fullResponse(reason).data))
        }
    }

    private var usage: JSONOut {
        .object([("prompt_tokens", .int(promptTokenCount)), ("completion_tokens", .int(completionTokens)),
                 ("total_tokens", .int(promptTokenCount + completionTokens))])
    }

    private func header(object: String) -> [(String, JSONOut)] {
        [("id", .string(identity.id)), ("object", .string(object)), ("created", .int(identity.created)), ("model", .string(identity.model))]
    }

    /// The pending log-probabilities in the shape of this endpoint (null when none were asked for).
    private func takeLogprobs() -> JSONOut {
        guard parameters.sampling.topLogprobs != nil else { return .null }
        let entries = pendingLogprobs
        pendingLogprobs.removeAll()
        func piece(_ id: Int) -> String { tokenizer.decode([id]) }
        func bytes(_ s: String) -> JSONOut { .array(Array(s.utf8).map { .int(Int($0)) }) }
        switch parameters.kind {
        case .chat:
            return .object([("content", .array(entries.map { e in
                let token = piece(e.token)
                return .object([
                    ("token", .string(token)), ("logprob", .double(e.logprobs.logprob)), ("bytes", bytes(token)),
                    ("top_logprobs", .array(e.logprobs.top.map { alt in
                        let t = piece(alt.id)
                        return .object([("token", .string(t)), ("logprob", .double(alt.logprob)), ("bytes", bytes(t))])
                    })),
                ])
            }))])
        case .text:
            var offsets: [JSONOut] = []
            for e in entries {
                offsets.append(.int(textOffset))
                textOffset += piece(e.token).count
            }
            return .object([
                ("tokens", .array(entries.map { .string(piece($0.token)) })),
                ("token_logprobs", .array(entries.map { .double($0.logprobs.logprob) })),
                ("top_logprobs", .array(entries.map { e in .object(e.logprobs.top.map { (piece($0.id), .double($0.logprob)) }) })),
                ("text_offset", .array(offsets)),
            ])
        }
    }

    private func chunk(role: Bool = false, content: String?, finish: FinishReason?, logprobs: JSONOut = .null) -> JSONOut {
        let finishValue: JSONOut = finish.map { .string($0.rawValue) } ?? .null
        var fields: [(String, JSONOut)]
        switch parameters.kind {
        case .chat:
            var delta: [(String, JSONOut)] = []
            if role { delta.append(("role", .string("assistant"))) }
            if let content { delta.append(("content", .string(content))) }
            fields = header(object: "chat.completion.chunk")
            fields.append(("choices", .array([.object([("index", .int(0)), ("delta", .object(delta)), ("logprobs", logprobs), ("finish_reason", finishValue)])])))
        case .text:
            fields = header(object: "text_completion")
            fields.append(("choices", .array([.object([("index", .int(0)), ("text", .string(content ?? "")), ("logprobs", logprobs), ("finish_reason", finishValue)])])))
        }
        if parameters.includeUsage { fields.append(("usage", .null)) }
        return .object(fields)
    }

    private func usageChunk() -> JSONOut {
        var fields = header(object: parameters.kind == .chat ? "chat.completion.chunk" : "text_completion")
        fields.append(("choices", .array([])))
        fields.append(("usage", usage))
        return .object(fields)
    }

    private func fullResponse(_ reason: FinishReason) -> JSONOut {
        var fields: [(String, JSONOut)]
        switch parameters.kind {
        case .chat:
            fields = header(object: "chat.completion")
            fields.append(("choices", .array([.object([
                ("index", .int(0)),
                ("message", .object([("role", .string("assistant")), ("content", .string(text))])),
                ("logprobs", takeLogprobs()), ("finish_reason", .string(reason.rawValue)),
            ])])))
        case .text:
            fields = header(object: "text_completion")
            fields.append(("choices", .array([.object([("index", .int(0)), ("text", .string(text)), ("logprobs", takeLogprobs()),
                                                       ("finish_reason", .string(reason.rawValue))])])))
        }
        fields.append(("usage", usage))
        return .object(fields)
    }

    static func event(_ json: JSONOut) -> [UInt8] {
        Array(("data: " + json.serialized + "\n\n").utf8)
    }
}
