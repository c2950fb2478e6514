import Foundation
import OmniJinja
import OmniTokenizer

/// One chat message: a role and its text (tool calls and other fields ride in `extra`).
public struct ChatMessage: Sendable, Equatable {
    public var role: String
    public var content: String
    /// Further fields passed to the template as they are (e.g. `tool_calls`, `name`).
    public var extra: [(String, Value)]

    public init(role: String, content: String, extra: [(String, Value)] = []) {
        self.role = role
        self.content = content
        self.extra = extra
    }

    public static func == (a: ChatMessage, b: ChatMessage) -> Bool {
        a.role == b.role && a.content == b.content && a.extra.map(\.0) == b.extra.map(\.0) && a.extra.map(\.1) == b.extra.map(\.1)
    }

    var templateValue: Value {
        .object(OrderedObject([("role", .string(role)), ("content", .string(content))] + extra))
    }
}

/// A model's chat template (Jinja), rendered the way transformers renders it.
public struct ChatTemplate: Sendable {
    public let source: String
    public let origin: String
    let template: Template
    public let bosToken: String?
    public let eosToken: String?

    public init(source: String, origin: String, bosToken: String?, eosToken: String?) throws {
        self.source = source
        self.origin = origin
        self.template = try Template(source, name: origin)
        self.bosToken = bosToken
        self.eosToken = eosToken
    }

    /// Finds the template of a checkpoint directory: `chat_template.jinja` wins, then the
    /// tokenizer config's `chat_template` (the default one when it lists several). Nil if none.
    public static func load(directory: URL, tokenizer: Tokenizer) throws -> ChatTemplate? {
        let file = directory.appendingPathComponent("chat_template.jinja")
        if FileManager.default.fileExists(atPath: file.path) {
            let source: String
            do { source = try String(contentsOf: file, encoding: .utf8) } catch {
                throw CheckpointError.unreadable(path: file.path, reason: error.localizedDescription)
            }
            return try ChatTemplate(source: source, origin: file.path, bosToken: tokenizer.bosToken, eosToken: tokenizer.eosToken)
        }
        let templates = tokenizer.chatTemplates
        guard let source = templates["default"] ?? templates.sorted(by: { $0.key < $1.key }).first?.value else { return nil }
        return try ChatTemplate(source: source, origin: directory.appendingPathComponent("tokenizer_config.json").path,
                                bosToken: tokenizer.bosToken, eosToken: tokenizer.eosToken)
    }

    /// Renders messages into the prompt text, preparing them as transformers'
    /// `apply_chat_template` does (null fields dropped, reasoning exposed to the template).
    public func render(messages: [ChatMessage], addGenerationPrompt: Bool = true, tools: [Value]? = nil,
                       extraContext: [String: Value] = [:], now: Date? = nil) throws -> String {
        var extra = extraContext
        if let bosToken { extra["bos_token"] = .string(bosToken) }
        if let eosToken { extra["eos_token"] = .string(eosToken) }
        return try template.renderChat(messages: messages.map(\.templateValue), tools: tools,
                                       addGenerationPrompt: addGenerationPrompt, extra: extra, now: now)
    }
}
