import Foundation

/// Everything that can go wrong when parsing or rendering a template.
public enum JinjaError: LocalizedError, Equatable {
    /// The template text is not valid Jinja; `line` and `column` are 1-based.
    case syntax(name: String, line: Int, column: Int, message: String)
    /// Rendering failed at `line` of the template.
    case runtime(name: String, line: Int, message: String)
    /// The template called `raise_exception(message)`.
    case raised(message: String)
    /// `Value.parseJSON` could not read its text; `offset` is in UTF-8 bytes.
    case invalidJSON(offset: Int, message: String)

    public var errorDescription: String? {
        switch self {
        case let .syntax(name, line, column, message):
            return "\(name):\(line):\(column): syntax error: \(message)"
        case let .runtime(name, line, message):
            return "\(name):\(line): render error: \(message)"
        case let .raised(message):
            return message
        case let .invalidJSON(offset, message):
            return "invalid JSON at byte \(offset): \(message)"
        }
    }

    /// The message without the location prefix.
    public var message: String {
        switch self {
        case let .syntax(_, _, _, message), let .runtime(_, _, message), let .raised(message), let .invalidJSON(_, message):
            return message
        }
    }
}

/// An error raised by a runtime helper that does not know the template line; the
/// interpreter turns it into `JinjaError.runtime` with the line of the failing node.
struct RuntimeFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
