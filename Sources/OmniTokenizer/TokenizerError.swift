import Foundation

/// Everything that can go wrong while loading a Hugging Face tokenizer.
///
/// Each message names the file and the JSON path concerned, for example
/// `tokenizer.json: model.type 'WordPiece' is not supported`.
public enum TokenizerError: LocalizedError, Equatable, Sendable {
    /// A file could not be read (missing, unreadable).
    case unreadableFile(path: String, reason: String)
    /// The file is not valid JSON; `offset` is the byte offset of the problem.
    case invalidJSON(file: String, offset: Int, reason: String)
    /// A required field is absent.
    case missingField(file: String, path: String)
    /// A field is present but has the wrong JSON type.
    case wrongType(file: String, path: String, expected: String, found: String)
    /// A field names a component this implementation does not support.
    case unsupported(file: String, path: String, what: String)
    /// A field has the right type but an impossible value.
    case invalidValue(file: String, path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason)"
        case let .invalidJSON(file, offset, reason):
            return "\(file): invalid JSON at byte \(offset): \(reason)"
        case let .missingField(file, path):
            return "\(file): required field '\(path)' is missing"
        case let .wrongType(file, path, expected, found):
            return "\(file): '\(path)' should be \(expected) but is \(found)"
        case let .unsupported(file, path, what):
            return "\(file): \(path) \(what) is not supported"
        case let .invalidValue(file, path, reason):
            return "\(file): '\(path)': \(reason)"
        }
    }
}
