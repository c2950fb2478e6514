import Foundation

/// Writes one packed row of a compound table in place. Numeric setters convert to the
/// column's stored type (integers truncate to `int32`, doubles narrow to `float32`).
/// Strings go to string columns only; fixed-length strings are cut at a UTF-8 character
/// boundary to fit. Using a column index that is out of range, or a string on a numeric
/// column, is a programmer error and traps.
public struct RowEncoder {
    let base: UnsafeMutableRawPointer
    let schema: CompoundSchema

    @inline(__always) private func at(_ column: Int) -> (UnsafeMutableRawPointer, ColumnType) {
        (base + schema.offsets[column], schema.columns[column].type)
    }

    /// Stores an integer.
    public func setInt(_ column: Int, _ value: Int64) {
        let (p, type) = at(column)
        switch type {
        case .int64: p.storeBytes(of: value, as: Int64.self)
        case .uint64: p.storeBytes(of: UInt64(bitPattern: value), as: UInt64.self)
        case .int32: p.storeBytes(of: Int32(truncatingIfNeeded: value), as: Int32.self)
        case .float64: p.storeBytes(of: Double(value), as: Double.self)
        case .float32: p.storeBytes(of: Float(value), as: Float.self)
        case .fixedString, .string: preconditionFailure("column \(schema.columns[column].name) holds strings")
        }
    }

    /// Stores an unsigned integer.
    public func setUInt(_ column: Int, _ value: UInt64) {
        if schema.columns[column].type == .uint64 {
            (base + schema.offsets[column]).storeBytes(of: value, as: UInt64.self)
        } else {
            setInt(column, Int64(truncatingIfNeeded: value))
        }
    }

    /// Stores a floating-point number.
    public func setDouble(_ column: Int, _ value: Double) {
        let (p, type) = at(column)
        switch type {
        case .float64: p.storeBytes(of: value, as: Double.self)
        case .float32: p.storeBytes(of: Float(value), as: Float.self)
        default: setInt(column, Int64(value))
        }
    }

    /// Stores a string (copied; variable-length copies are freed after the batch is written).
    public func setString(_ column: Int, _ value: String) {
        let (p, type) = at(column)
        switch type {
        case .string:
            let old = p.loadUnaligned(as: UnsafeMutablePointer<CChar>?.self)
            free(old)
            p.storeBytes(of: strdup(value), as: UnsafeMutablePointer<CChar>?.self)
        case .fixedString(let n):
            let bytes = truncatedUTF8(value, to: n)
            p.initializeMemory(as: UInt8.self, repeating: 0, count: n)
            bytes.withUnsafeBytes { raw in
                if let source = raw.baseAddress, raw.count > 0 { p.copyMemory(from: source, byteCount: raw.count) }
            }
        default: preconditionFailure("column \(schema.columns[column].name) is numeric")
        }
    }

    /// Stores a `CompoundValue` (converted like the typed setters).
    public func set(_ column: Int, _ value: CompoundValue) {
        switch value {
        case .int64(let v): setInt(column, v)
        case .uint64(let v): setUInt(column, v)
        case .int32(let v): setInt(column, Int64(v))
        case .float64(let v): setDouble(column, v)
        case .float32(let v): setDouble(column, Double(v))
        case .string(let v): setString(column, v)
        }
    }
}

/// The UTF-8 bytes of `value`, shortened at a character boundary to at most `limit` bytes.
func truncatedUTF8(_ value: String, to limit: Int) -> [UInt8] {
    var bytes = Array(value.utf8)
    if bytes.count <= limit { return bytes }
    var end = limit
    while end > 0 && (bytes[end] & 0xC0) == 0x80 { end -= 1 }
    bytes.removeSubrange(end...)
    return bytes
}

/// Reads one packed row of a compound table. Numeric getters convert from the stored type.
public struct RowDecoder {
    let base: UnsafeRawPointer
    let schema: CompoundSchema

    /// The column as an integer (floats truncate toward zero; strings trap).
    public func int(_ column: Int) -> Int64 {
        let p = base + schema.offsets[column]
        switch schema.columns[column].type {
        case .int64: return p.loadUnaligned(as: Int64.self)
        case .uint64: return Int64(bitPattern: p.loadUnaligned(as: UInt64.self))
        case .int32: return Int64(p.loadUnaligned(as: Int32.self))
        case .float64: return Int64(p.loadUnaligned(as: Double.self))
        case .float32: return Int64(p.loadUnaligned(as: Float.self))
        case .fixedString, .string: preconditionFailure("column \(schema.columns[column].name) holds strings")
        }
    }

    /// The column as an unsigned integer.
    public func uint(_ column: Int) -> UInt64 {
        if schema.columns[column].type == .uint64 {
            return (base + schema.offsets[column]).loadUnaligned(as: UInt64.self)
        }
        return UInt64(bitPattern: int(column))
    }

    /// The column as a double.
    public func double(_ column: Int) -> Double {
        let p = base + schema.offsets[column]
        switch schema.columns[column].type {
        case .float64: return p.loadUnaligned(as: Double.self)
        case .float32: return Double(p.loadUnaligned(as: Float.self))
        case .uint64: return Double(p.loadUnaligned(as: UInt64.self))
        default: return Double(int(column))
        }
    }

    /// The column as a string (string columns only; NUL padding removed).
    public func string(_ column: Int) -> String {
        let p = base + schema.offsets[column]
        switch schema.columns[column].type {
        case .string:
            guard let c = p.loadUnaligned(as: UnsafeMutablePointer<CChar>?.self) else { return "" }
            return decodeFixedString(UnsafeRawBufferPointer(start: c, count: strlen(c)))
        case .fixedString(let n):
            return decodeFixedString(UnsafeRawBufferPointer(start: p, count: n))
        default: preconditionFailure("column \(schema.columns[column].name) is numeric")
        }
    }

    /// The column as the `CompoundValue` of its stored type.
    public func value(_ column: Int) -> CompoundValue {
        let p = base + schema.offsets[column]
        switch schema.columns[column].type {
        case .int64: return .int64(p.loadUnaligned(as: Int64.self))
        case .uint64: return .uint64(p.loadUnaligned(as: UInt64.self))
        case .int32: return .int32(p.loadUnaligned(as: Int32.self))
        case .float64: return .float64(p.loadUnaligned(as: Double.self))
        case .float32: return .float32(p.loadUnaligned(as: Float.self))
        case .fixedString, .string: return .string(string(column))
        }
    }
}
