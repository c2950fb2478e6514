import Foundation
import OmniEngine

/// Which OpenAI endpoint a body was sent to.
public enum CompletionKind: Sendable, Equatable {
    /// `/v1/chat/completions`: `messages`, rendered with the chat template.
    case chat
    /// `/v1/completions`: a raw `prompt`, no template.
    case text
}

/// The prompt of a `/v1/completions` request.
public enum PromptInput: Sendable, Equatable {
    case text(String)
    case tokens([Int])
}

/// A completion request body, checked: every field has the right type and range.
public struct CompletionParameters: Sendable, Equatable {
    public var kind: CompletionKind
    public var model: String
    public var messages: [ChatMessage] = []
    public var prompt: PromptInput = .text("")
    public var stream = false
    public var includeUsage = false
    public var maxTokens: Int?
    public var sampling = SamplingParameters()
    public var stop: [String] = []
    public var ignoreEOS = false

    /// Checks a parsed JSON body; the error names the offending parameter.
    /// `randomSeed` is used when the request gives no `seed`.
    public init(json: JSONValue, kind: CompletionKind, randomSeed: UInt64) throws {
        guard let body = json.objectValue else {
            throw APIError.badRequest("The request body must be a JSON object, got \(json.brief).")
        }
        let fields = Fields(body)
        self.kind = kind
        guard let model = try fields.string("model") else { throw APIError.badRequest("'model' is required.", param: "model") }
        self.model = model
        switch kind {
        case .chat:
            messages = try Self.messages(body["messages"])
        case .text:
            prompt = try Self.prompt(body["prompt"])
            if try fields.bool("echo") == true { throw APIError.badRequest("'echo' is not supported yet.", param: "echo") }
            if let suffix = try fields.string("suffix"), !suffix.isEmpty { throw APIError.badRequest("'suffix' is not supported.", param: "suffix") }
            if let bestOf = try fields.int("best_of"), bestOf != 1 { throw APIError.badRequest("'best_of' must be 1: only one completion per request is supported.", param: "best_of") }
        }
        if let n = try fields.int("n"), n != 1 {
            throw APIError.badRequest("'n' must be 1: only one choice per request is supported, got \(n).", param: "n")
        }
        stream = try fields.bool("stream") ?? false
        if let options = body["stream_options"], options != .null {
            guard let o = options.objectValue else { throw APIError.badRequest("'stream_options' must be an object.", param: "stream_options") }
            includeUsage = try Fields(o, prefix: "stream_options.").bool("include_usage") ?? false
        }
        let maxTokens = try fields.int("max_tokens", min: 1)
        let maxCompletion = try fields.int("max_completion_tokens", min: 1)
        self.maxTokens = maxCompletion ?? maxTokens
        sampling.temperature = try fields.number("temperature", 0...2) ?? 1
        sampling.topP = try fields.number("top_p", 0...1) ?? 1
        if sampling.topP == 0 { throw APIError.badRequest("'top_p' must be greater than 0.", param: "top_p") }
        sampling.topK = try fields.int("top_k", min: 0) ?? 0
        sampling.minP = try fields.number("min_p", 0...1) ?? 0
        sampling.presencePenalty = try fields.number("presence_penalty", -2...2) ?? 0
        sampling.frequencyPenalty = try fields.number("frequency_penalty", -2...2) ?? 0
        sampling.repetitionPenalty = try fields.number("repetition_penalty", 0.01...10) ?? 1
        if let seed = try fields.int("seed") { sampling.seed = UInt64(bitPattern: Int64(seed)) } else { sampling.seed = randomSeed }
        ignoreEOS = try fields.bool("ignore_eos") ?? false
        stop = try Self.stops(body["stop"])
        // Chat: `logprobs: true` plus `top_logprobs` 0...20; completions: `logprobs` 0...5.
        switch (kind, body["logprobs"]) {
        case (_, nil), (_, .null?), (.chat, .bool(false)?):
            if let top = body["top_logprobs"], top != .null {
                throw APIError.badRequest("'top_logprobs' needs 'logprobs': true.", param: "top_logprobs")
            }
        case (.chat, .bool(true)?):
            var top = 0
            if let value = body["top_logprobs"], value != .null {
                guard let n = value.intValue, (0...20).contains(n) else {
                    throw APIError.badRequest("'top_logprobs' must be an integer from 0 to 20, got \(value.brief).", param: "top_logprobs")
                }
                top = n
            }
            sampling.topLogprobs = top
        case (.text, .int(let n)?):
            guard (0...5).contains(n) else { throw APIError.badRequest("'logprobs' must be an integer from 0 to 5, got \(n).", param: "logprobs") }
            sampling.topLogprobs = n
        case (_, let other?):
            throw APIError.badRequest("'logprobs' must be a \(kind == .chat ? "boolean" : "integer"), got \(other.brief).", param: "logprobs")
        }
        if let tools = body["tools"], let list = tools.arrayValue, !list.isEmpty {
            throw APIError.badRequest("'tools' are not supported yet.", param: "tools")
        }
        if let format = body["response_format"], format != .null {
            let type = format.objectValue?["type"]?.stringValue
            guard type == "text" else { throw APIError.badRequest("'response_format' other than {\"type\": \"text\"} is not supported yet.", param: "response_format") }
        }
    }

    static func messages(_ value: JSONValue?) throws -> [ChatMessage] {
        guard let value, value != .null else { throw APIError.badRequest("'messages' is required.", param: "messages") }
        guard let list = value.arrayValue else { throw APIError.badRequest("'messages' must be a list of messages, got \(value.brief).", param: "messages") }
        guard !list.isEmpty else { throw APIError.badRequest("'messages' must hold at least one message.", param: "messages") }
        return try list.enumerated().map { i, item in
            let where_ = "messages[\(i)]"
            guard let m = item.objectValue else { throw APIError.badRequest("'\(where_)' must be an object, got \(item.brief).", param: where_) }
            guard let role = m["role"]?.stringValue, !role.isEmpty else {
                throw APIError.badRequest("'\(where_).role' must be a non-empty string.", param: "\(where_).role")
            }
            let content: String
            switch m["content"] {
            case nil, .null?: content = ""
            case .string(let s)?: content = s
            case .array(let parts)?:
                content = try parts.enumerated().map { j, part -> String in
                    let at = "\(where_).content[\(j)]"
                    guard let p = part.objectValue else { throw APIError.badRequest("'\(at)' must be an object, got \(part.brief).", param: at) }
                    guard p["type"]?.stringValue == "text" else {
                        throw APIError.badRequest("'\(at).type' must be \"text\": only text content parts are supported, got \(p["type"]?.brief ?? "nothing").", param: "\(at).type")
                    }
                    guard let text = p["text"]?.stringValue else { throw APIError.badRequest("'\(at).text' must be a string.", param: "\(at).text") }
                    return text
                }.joined(separator: "\n")
            case let other?:
                throw APIError.badRequest("'\(where_).content' must be a string or a list of text parts, got \(other.brief).", param: "\(where_).content")
            }
            return ChatMessage(role: role, content: content)
        }
    }

    static func prompt(_ value: JSONValue?) throws -> PromptInput {
        switch value {
        case nil, .null?: throw APIError.badRequest("'prompt' is required.", param: "prompt")
        case .string(let s)?: return .text(s)
        case .array(let items)?:
            if items.count == 1, let s = items[0].stringValue { return .text(s) }
            if !items.isEmpty, items.allSatisfy({ $0.intValue != nil }) { return .tokens(items.compactMap(\.intValue)) }
            if let first = items.first, first.arrayValue != nil || first.stringValue != nil {
                throw APIError.badRequest("'prompt' must be one prompt: batches of prompts are not supported.", param: "prompt")
            }
            throw APIError.badRequest("'prompt' must be a string or a list of token ids.", param: "prompt")
        case let other?: throw APIError.badRequest("'prompt' must be a string or a list of token ids, got \(other.brief).", param: "prompt")
        }
    }

    static func stops(_ value: JSONValue?) throws -> [String] {
        switch value {
        case nil, .null?: return []
        case .string(let s)?: return s.isEmpty ? [] : [s]
        case .array(let items)?:
            guard items.count <= 16 else { throw APIError.badRequest("'stop' holds at most 16 strings, got \(items.count).", param: "stop") }
            return try items.map {
                guard let s = $0.stringValue else { throw APIError.badRequest("'stop' must be a string or a list of strings, got \($0.brief) in the list.", param: "stop") }
                return s
            }.filter { !$0.isEmpty }
        case let other?: throw APIError.badRequest("'stop' must be a string or a list of strings, got \(other.brief).", param: "stop")
        }
    }
}

/// Typed access to optional fields of a JSON object; `null` counts as absent.
private struct Fields {
    let object: [String: JSONValue]
    let prefix: String
    init(_ object: [String: JSONValue], prefix: String = "") { self.object = object; self.prefix = prefix }

    private func value(_ key: String) -> JSONValue? {
        guard let v = object[key], v != .null else { return nil }
        return v
    }
    private func wrong(_ key: String, _ expected: String, _ v: JSONValue) -> APIError {
        .badRequest("'\(prefix)\(key)' must be \(expected), got \(v.brief).", param: prefix + key)
    }

    func string(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v.stringValue else { throw wrong(key, "a string", v) }
        return s
    }

    func bool(_ key: String) throws -> Bool? {
        guard let v = value(key) else { return nil }
        guard let b = v.boolValue else { throw wrong(key, "a boolean", v) }
        return b
    }

    func number(_ key: String, _ range: ClosedRange<Double>) throws -> Double? {
        guard let v = value(key) else { return nil }
        guard let d = v.numberValue, d.isFinite else { throw wrong(key, "a number", v) }
        guard range.contains(d) else { throw wrong(key, "between \(range.lowerBound) and \(range.upperBound)", v) }
        return d
    }

    func int(_ key: String, min: Int? = nil) throws -> Int? {
        guard let v = value(key) else { return nil }
        let i: Int
        if let n = v.intValue { i = n } else if case .double(let d) = v, d.rounded() == d, abs(d) < 9e15 { i = Int(d) } else { throw wrong(key, "an integer", v) }
        if let min, i < min { throw wrong(key, "an integer >= \(min)", v) }
        return i
    }
}
