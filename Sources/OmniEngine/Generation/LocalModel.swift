import Foundation
import OmniTokenizer

/// A model directory opened for use on this machine: checkpoint, tokenizer, chat template, and
/// the set of tokens that end generation.
public final class LocalModel: @unchecked Sendable {
    public let directory: URL
    public let checkpoint: Checkpoint
    public let tokenizer: Tokenizer
    public let chatTemplate: ChatTemplate?
    /// EOS ids from generation_config.json, else config.json, else the tokenizer's EOS token.
    public let stopTokenIds: Set<Int>
    /// The model's name as served (the directory's name).
    public var name: String { directory.lastPathComponent }

    public init(directory: URL) throws {
        self.directory = directory
        checkpoint = try Checkpoint(directory: directory)
        let tokenizerFile = directory.appendingPathComponent("tokenizer.json")
        guard FileManager.default.fileExists(atPath: tokenizerFile.path) else {
            throw CheckpointError.missingFile(path: tokenizerFile.path, hint: "the model directory needs its tokenizer")
        }
        tokenizer = try Tokenizer(directory: directory)
        chatTemplate = try ChatTemplate.load(directory: directory, tokenizer: tokenizer)
        if !checkpoint.generation.eosTokenIds.isEmpty {
            stopTokenIds = Set(checkpoint.generation.eosTokenIds)
        } else if !checkpoint.config.eosTokenIds.isEmpty {
            stopTokenIds = Set(checkpoint.config.eosTokenIds)
        } else {
            stopTokenIds = Set([tokenizer.eosTokenId].compactMap { $0 })
        }
    }

    /// Token ids of a chat: the template rendered with a generation prompt, tokenized without
    /// adding special tokens again (the template already holds BOS), as transformers does.
    public func chatPromptTokens(_ messages: [ChatMessage]) throws -> [Int] {
        guard let chatTemplate else {
            throw EngineError.wrongInput("\(directory.path) has no chat template (chat_template.jinja or tokenizer_config.json chat_template); use a raw prompt")
        }
        let text = try chatTemplate.render(messages: messages, addGenerationPrompt: true)
        return tokenizer.encode(text, addSpecialTokens: false)
    }

    /// Token ids of raw text exactly as transformers' `tokenizer(text)` gives them.
    public func rawPromptTokens(_ text: String) -> [Int] {
        tokenizer.encode(text, addSpecialTokens: true)
    }
}

extension StreamingDetokenizer: TokenTextDecoder {}

extension LocalModel {
    /// A fresh incremental decoder for one generation (special tokens are not shown).
    public func makeDetokenizer() -> StreamingDetokenizer {
        StreamingDetokenizer(tokenizer: tokenizer, skipSpecialTokens: true)
    }
}
