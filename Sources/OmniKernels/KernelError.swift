import Foundation

/// Errors raised when kernel inputs are described inconsistently (never on the hot path).
public enum KernelError: LocalizedError, Equatable {
    /// A dtype name that the kernels cannot read.
    case unsupportedDType(String)
    /// A matrix shape with a negative dimension.
    case invalidShape(rows: Int, cols: Int)
    /// A buffer whose size does not match the shape and dtype given for it.
    case sizeMismatch(expectedBytes: Int, actualBytes: Int)
    /// A scratch buffer could not be allocated.
    case outOfMemory(bytes: Int)

    public var errorDescription: String? {
        switch self {
        case .unsupportedDType(let name):
            "unsupported dtype \"\(name)\": the kernels read F32, F16 and BF16"
        case .invalidShape(let rows, let cols):
            "invalid matrix shape [\(rows), \(cols)]: dimensions must not be negative"
        case .sizeMismatch(let expected, let actual):
            "buffer holds \(actual) bytes but the shape and dtype need \(expected)"
        case .outOfMemory(let bytes):
            "could not allocate \(bytes) bytes of kernel scratch memory"
        }
    }
}
