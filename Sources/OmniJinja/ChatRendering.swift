import Foundation

extension Template {
    /// Renders a chat template with the variables transformers' `apply_chat_template` passes:
    /// `messages` (keys whose value is null dropped, then reasoning fields aliased, as
    /// transformers does), `tools` (none when nil),
    /// `documents` (none when nil), `add_generation_prompt`, then `extra` (for example
    /// `bos_token`, `eos_token`, `enable_thinking`); `extra` wins over the others.
    public func renderChat(messages: [Value], tools: [Value]? = nil, documents: [Value]? = nil,
                           addGenerationPrompt: Bool, extra: [String: Value] = [:], now: Date? = nil,
                           timeZone: TimeZone = .current) throws -> String {
        var context: [String: Value] = [
            "messages": .array(messages.map { Self.aliasingReasoning(Self.droppingNullKeys($0)) }),
            "tools": tools.map(Value.array) ?? .none,
            "documents": documents.map(Value.array) ?? .none,
            "add_generation_prompt": .bool(addGenerationPrompt),
        ]
        for (key, value) in extra { context[key] = value }
        return try render(context, now: now, timeZone: timeZone)
    }

    /// transformers drops a message's keys whose value is null (clients send `"content": null`
    /// next to tool calls; many templates handle a missing key but not a null one).
    static func droppingNullKeys(_ message: Value) -> Value {
        guard case .object(let object) = message else { return message }
        return .object(OrderedObject(object.pairs.filter { $0.value != .none }.map { ($0.key, $0.value) }))
    }

    /// Names a message's reasoning may come under, the standard one first.
    static let reasoningFields = ["reasoning_content", "thinking", "reasoning"]

    /// transformers copies a message's reasoning (from `reasoning_content`, `thinking` or
    /// `reasoning`, the first that is not null) to `thinking` (first key, unless the message
    /// has its own) and `reasoning_content` (kept in place, else last), so templates find it
    /// under either name.
    static func aliasingReasoning(_ message: Value) -> Value {
        guard case .object(let object) = message else { return message }
        var reasoning: Value?
        for field in reasoningFields {
            if let value = object[field], value != .none { reasoning = value; break }
        }
        guard let reasoning else { return message }
        var aliased = OrderedObject([("thinking", reasoning)])
        // Like Python's {"thinking": r, **message, "reasoning_content": r}: a key keeps its
        // first position and takes its last value.
        for (key, value) in object.pairs { aliased[key] = value }
        aliased["reasoning_content"] = reasoning
        return .object(aliased)
    }
}
