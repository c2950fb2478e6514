import Foundation

/// Everything that can be wrong with a checkpoint directory, each naming the file and the problem.
public enum CheckpointError: LocalizedError, Equatable {
    case missingFile(path: String, hint: String)
    case unreadable(path: String, reason: String)
    case invalidJSON(file: String, reason: String)
    case invalidConfig(file: String, key: String, reason: String)
    case unsupportedArchitecture(file: String, name: String, supported: [String])
    case truncated(file: String, reason: String)
    case corruptHeader(file: String, reason: String)
    case tensorMissing(name: String, searched: String)
    case shapeMismatch(name: String, file: String, expected: [Int], found: [Int])
    case unsupportedDType(name: String, file: String, dtype: String)
    case dtypeMismatch(name: String, file: String, expected: String, found: String)
    case invalidShard(reason: String)

    public var errorDescription: String? {
        switch self {
        case .missingFile(let path, let hint):
            return "\(path): file not found\(hint.isEmpty ? "" : " (\(hint))")"
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .invalidJSON(let file, let reason):
            return "\(file): invalid JSON: \(reason)"
        case .invalidConfig(let file, let key, let reason):
            return "\(file): \(key) \(reason)"
        case .unsupportedArchitecture(let file, let name, let supported):
            return "\(file): unsupported \(name); supported architectures: \(supported.joined(separator: ", "))"
        case .truncated(let file, let reason):
            return "\(file): file is truncated: \(reason)"
        case .corruptHeader(let file, let reason):
            return "\(file): corrupt safetensors header: \(reason)"
        case .tensorMissing(let name, let searched):
            return "tensor '\(name)' not found in \(searched)"
        case .shapeMismatch(let name, let file, let expected, let found):
            return "\(file): tensor '\(name)' has shape \(found), config.json implies \(expected)"
        case .unsupportedDType(let name, let file, let dtype):
            return "\(file): tensor '\(name)' has dtype \(dtype); supported: F32, F16, BF16"
        case .dtypeMismatch(let name, let file, let expected, let found):
            return "\(file): tensor '\(name)' has dtype \(found), expected \(expected)"
        case .invalidShard(let reason):
            return "invalid shard: \(reason)"
        }
    }
}
