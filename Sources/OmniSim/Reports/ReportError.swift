import Foundation

/// Why a report could not be written.
public enum ReportError: LocalizedError, Equatable {
    /// Two results carry the same strategy name, so their files and rows would collide.
    case duplicateStrategy(String)
    /// A result has an empty strategy name.
    case emptyStrategyName(index: Int)
    /// The timelines name a strategy that has no result.
    case timelineWithoutResult(String)
    /// The output directory could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// A report file could not be written.
    case cannotWrite(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .duplicateStrategy(let name):
            return "two results are named '\(name)'; strategy names must be unique within a report"
        case .emptyStrategyName(let index):
            return "result #\(index) has an empty strategy name; give every strategy a name"
        case .timelineWithoutResult(let name):
            return "timelines contain strategy '\(name)' but no result has that name"
        case .cannotCreateDirectory(let path, let reason):
            return "cannot create report directory '\(path)': \(reason)"
        case .cannotWrite(let path, let reason):
            return "cannot write report file '\(path)': \(reason)"
        }
    }
}
