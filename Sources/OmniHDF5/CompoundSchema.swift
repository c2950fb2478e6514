import CHDF5
import Foundation

/// Column types of a `CompoundTable`.
public enum ColumnType: Sendable, Equatable {
    case int64, uint64, int32, float64, float32
    /// Fixed-length UTF-8 string of exactly this many bytes, NUL-padded (numpy `S<n>`).
    case fixedString(Int)
    /// Variable-length UTF-8 string (h5py reads it as `str`).
    case string

    /// Bytes the column takes in a packed row (a pointer for variable-length strings).
    public var byteSize: Int {
        switch self {
        case .int64, .uint64, .float64: return 8
        case .int32, .float32: return 4
        case .fixedString(let n): return n
        case .string: return MemoryLayout<UnsafeMutablePointer<CChar>?>.size
        }
    }

    func makeType(path: String) throws -> hid_t {
        switch self {
        case .int64: return try H5.check(H5Tcopy(omni_h5t_native_int64()), path, "copy a type")
        case .uint64: return try H5.check(H5Tcopy(omni_h5t_native_uint64()), path, "copy a type")
        case .int32: return try H5.check(H5Tcopy(omni_h5t_native_int32()), path, "copy a type")
        case .float64: return try H5.check(H5Tcopy(omni_h5t_native_double()), path, "copy a type")
        case .float32: return try H5.check(H5Tcopy(omni_h5t_native_float()), path, "copy a type")
        case .fixedString(let n): return try H5.check(omni_h5_string_type(n), path, "make a string type")
        case .string: return try H5.check(omni_h5_string_type(0), path, "make a string type")
        }
    }
}

/// One named column of a compound table.
public struct Column: Sendable, Equatable {
    public var name: String
    public var type: ColumnType
    public init(_ name: String, _ type: ColumnType) {
        self.name = name
        self.type = type
    }
}

/// The columns of a compound table and their packed byte layout (no padding), which is
/// both the in-memory row format and the file's compound type.
public struct CompoundSchema: Sendable, Equatable {
    public let columns: [Column]
    /// Byte offset of each column inside a row.
    public let offsets: [Int]
    /// Bytes per row.
    public let rowSize: Int

    /// Validates names (non-empty, unique) and sizes (fixed strings of 1 byte or more).
    public init(_ columns: [Column]) throws {
        var seen = Set<String>()
        var offsets: [Int] = []
        var offset = 0
        for column in columns {
            guard !column.name.isEmpty, seen.insert(column.name).inserted else {
                throw HDF5Error.invalidValue(path: "", object: column.name, detail: "column names must be non-empty and unique")
            }
            if case .fixedString(let n) = column.type, n < 1 {
                throw HDF5Error.invalidValue(path: "", object: column.name, detail: "fixed strings need at least 1 byte")
            }
            offsets.append(offset)
            offset += column.type.byteSize
        }
        guard !columns.isEmpty else {
            throw HDF5Error.invalidValue(path: "", object: "schema", detail: "a table needs at least one column")
        }
        self.columns = columns
        self.offsets = offsets
        self.rowSize = offset
    }

    /// Index of the column named `name`.
    public func index(of name: String) -> Int? { columns.firstIndex { $0.name == name } }

    /// True when some column is a variable-length string.
    var hasVariableStrings: Bool { columns.contains { $0.type == .string } }

    /// Builds the HDF5 compound type (caller closes it).
    func makeType(path: String) throws -> hid_t {
        let compound = try H5.check(H5Tcreate(H5T_COMPOUND, rowSize), path, "create a compound type")
        do {
            for (column, offset) in zip(columns, offsets) {
                let member = try column.type.makeType(path: path)
                defer { H5Tclose(member) }
                try H5.check(H5Tinsert(compound, column.name, offset, member), path, "add column '\(column.name)'")
            }
        } catch {
            H5Tclose(compound)
            throw error
        }
        return compound
    }
}

/// One cell of a compound-table row.
public enum CompoundValue: Sendable, Equatable {
    case int64(Int64)
    case uint64(UInt64)
    case int32(Int32)
    case float64(Double)
    case float32(Float)
    case string(String)
}

/// Storage of a compound table: rows per chunk, compression, and how many rows to buffer
/// in memory before writing them to the dataset.
public struct TableOptions: Sendable, Equatable {
    public var chunkRows: Int
    /// Deflate level 1...9, or nil for none.
    public var deflateLevel: Int?
    public var shuffle: Bool
    /// Rows buffered before `append` writes a batch to HDF5 automatically.
    public var bufferRows: Int

    public init(chunkRows: Int = 4096, deflateLevel: Int? = 4, shuffle: Bool = true, bufferRows: Int = 4096) {
        self.chunkRows = chunkRows
        self.deflateLevel = deflateLevel
        self.shuffle = shuffle
        self.bufferRows = bufferRows
    }
}
