import CHDF5
import Foundation

/// Errors raised by OmniHDF5. Each names the file and, where relevant, the object concerned;
/// `library` carries HDF5's own error-stack text (innermost frame first).
public enum HDF5Error: LocalizedError, Equatable, Sendable {
    /// The file does not exist or cannot be read.
    case fileNotFound(path: String)
    /// The file exists but is not an HDF5 file.
    case notHDF5(path: String)
    /// No object of that name exists in the file.
    case objectNotFound(path: String, object: String)
    /// An HDF5 call failed; `message` is the library's error stack.
    case library(path: String, operation: String, message: String)
    /// The stored element type is not the one asked for.
    case typeMismatch(path: String, object: String, expected: String, found: String)
    /// Data does not fit the shape of the dataset or the schema of the table.
    case shapeMismatch(path: String, object: String, detail: String)
    /// A value cannot be stored as given (too long, out of range, wrong kind).
    case invalidValue(path: String, object: String, detail: String)
    /// The handle was closed before use.
    case closed(path: String, object: String)
    /// The file is HDF5 but does not follow the expected trace schema.
    case schema(path: String, detail: String)

    public var errorDescription: String? {
        switch self {
        case .fileNotFound(let path):
            return "HDF5 file not found or unreadable: \(path)"
        case .notHDF5(let path):
            return "Not an HDF5 file (no HDF5 signature): \(path)"
        case .objectNotFound(let path, let object):
            return "No object '\(object)' in HDF5 file \(path)"
        case .library(let path, let operation, let message):
            return "\(path): HDF5 could not \(operation): \(message)"
        case .typeMismatch(let path, let object, let expected, let found):
            return "'\(object)' in \(path) holds \(found), expected \(expected)"
        case .shapeMismatch(let path, let object, let detail):
            return "Shape mismatch for '\(object)' in \(path): \(detail)"
        case .invalidValue(let path, let object, let detail):
            return "Invalid value for '\(object)' in \(path): \(detail)"
        case .closed(let path, let object):
            return "'\(object)' in \(path) was used after close()"
        case .schema(let path, let detail):
            return "Trace schema error in \(path): \(detail)"
        }
    }
}

/// Internal helpers turning HDF5 return codes into `HDF5Error.library` with the error-stack text.
enum H5 {
    static let defaultPlist: hid_t = omni_h5p_default()
    static let all: hid_t = omni_h5s_all()

    /// Silences HDF5's stderr printing for the calling thread; call before any HDF5 call.
    @inline(__always) static func prepare() { omni_h5_prepare_thread() }

    /// The current thread's HDF5 error stack as text, clearing it.
    static func takeErrorStack() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBufferPointer { omni_h5_error_stack($0.baseAddress, $0.count) }
        if count == 0 { return "unknown HDF5 error (empty error stack)" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    static func failure(_ path: String, _ operation: String) -> HDF5Error {
        .library(path: path, operation: operation, message: takeErrorStack())
    }

    /// Returns `id` when valid, otherwise throws with the error stack.
    @discardableResult
    static func check(_ id: hid_t, _ path: String, _ operation: @autoclosure () -> String) throws -> hid_t {
        if id < 0 { throw failure(path, operation()) }
        return id
    }

    static func check(_ status: herr_t, _ path: String, _ operation: @autoclosure () -> String) throws {
        if status < 0 { throw failure(path, operation()) }
    }
}
