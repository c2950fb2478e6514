/// The parts of `tokenizer_config.json` the engine needs: named special tokens, whether BOS
/// is added, and the chat templates.
struct TokenizerConfig: Sendable {
    var bosToken: String?
    var eosToken: String?
    var addBosToken: Bool?
    var chatTemplates: [String: String] = [:]

    init() {}

    init(json: JSONCursor) throws(TokenizerError) {
        bosToken = try Self.tokenContent(json.optional("bos_token"))
        eosToken = try Self.tokenContent(json.optional("eos_token"))
        addBosToken = try json.optionalBool("add_bos_token")
        if let template = try json.optional("chat_template") {
            switch template.value {
            case let .string(text):
                chatTemplates = ["default": text]
            case .array:
                for entry in try template.array() {
                    chatTemplates[try entry.required("name").string()] = try entry.required("template").string()
                }
            default:
                throw template.wrongType("a string or a list of {name, template}")
            }
        }
    }

    /// A special token given as a string or as an object with `content`.
    private static func tokenContent(_ cursor: JSONCursor?) throws(TokenizerError) -> String? {
        guard let cursor else { return nil }
        if case let .string(text) = cursor.value { return text }
        if case .object = cursor.value { return try cursor.required("content").string() }
        throw cursor.wrongType("a string or an object with 'content'")
    }
}
