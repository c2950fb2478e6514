import Foundation

/// Errors raised while running a model (as opposed to loading one).
public enum EngineError: LocalizedError, Equatable {
    case contextOverflow(needed: Int, limit: Int)
    case cacheFull(needed: Int, capacity: Int)
    case invalidTokenId(id: Int, vocabularySize: Int)
    case wrongInput(String)
    case emptyPrompt

    public var errorDescription: String? {
        switch self {
        case .contextOverflow(let needed, let limit):
            return "the sequence needs \(needed) positions but the model supports at most \(limit) (max_position_embeddings)"
        case .cacheFull(let needed, let capacity):
            return "the sequence needs \(needed) positions but its KV cache holds \(capacity)"
        case .invalidTokenId(let id, let vocab):
            return "token id \(id) is outside the vocabulary (0..<\(vocab))"
        case .wrongInput(let message):
            return message
        case .emptyPrompt:
            return "the prompt is empty: at least one token is needed"
        }
    }
}
