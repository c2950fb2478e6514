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

/// A one-dimensional, chunked, extendable, optionally compressed dataset of compound rows
/// (numpy structured array in h5py). Appended rows are buffered in memory and written in
/// batches of `options.bufferRows`, or on `flush()`/`close()`.
public final class CompoundTable: HDF5Object {
    public let schema: CompoundSchema
    public let options: TableOptions
    private let memType: hid_t
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    /// Rows held in memory, not yet written to the dataset.
    public private(set) var bufferedRowCount = 0
    /// Rows already written to the dataset.
    public private(set) var writtenRowCount: Int
    private let stringColumns: [Int]

    init(id: hid_t, filePath: String, name: String, owner: HDF5Object, schema: CompoundSchema,
         options: TableOptions, writtenRows: Int) throws {
        self.schema = schema
        self.options = options
        self.memType = try schema.makeType(path: filePath)
        self.capacity = max(options.bufferRows, 1)
        self.buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity * schema.rowSize, alignment: 16)
        self.writtenRowCount = writtenRows
        self.stringColumns = schema.columns.indices.filter { schema.columns[$0].type == .string }
        super.init(id: id, filePath: filePath, name: name, owner: owner, release: H5Dclose)
    }

    deinit {
        close()
        releaseStrings()
        buffer.deallocate()
        H5Tclose(memType)
    }

    /// Rows written plus rows buffered.
    public var rowCount: Int { writtenRowCount + bufferedRowCount }

    /// Appends one row given as values in column order (converted like `RowEncoder`'s setters).
    public func append(_ row: [CompoundValue]) throws {
        guard row.count == schema.columns.count else {
            throw HDF5Error.shapeMismatch(path: filePath, object: name,
                                          detail: "row has \(row.count) values, schema has \(schema.columns.count) columns")
        }
        for (index, value) in row.enumerated() {
            let type = schema.columns[index].type
            let isString: Bool
            if case .string = value { isString = true } else { isString = false }
            let columnIsString = type == .string || { if case .fixedString = type { return true }; return false }()
            guard isString == columnIsString else {
                throw HDF5Error.invalidValue(path: filePath, object: "\(name).\(schema.columns[index].name)",
                                             detail: "\(value) does not fit a \(type) column")
            }
            if case .fixedString(let n) = type, case .string(let s) = value, s.utf8.count > n {
                throw HDF5Error.invalidValue(path: filePath, object: "\(name).\(schema.columns[index].name)",
                                             detail: "\(s.utf8.count)-byte string exceeds the column's \(n) bytes")
            }
        }
        try appendRow { encoder in
            for (index, value) in row.enumerated() { encoder.set(index, value) }
        }
    }

    /// Appends one row filled in place by `fill` (the fast path: no intermediate values).
    /// Unset columns are zero (empty strings).
    public func appendRow(_ fill: (RowEncoder) throws -> Void) throws {
        _ = try openID()
        if bufferedRowCount == capacity { try flush() }
        let row = buffer + bufferedRowCount * schema.rowSize
        row.initializeMemory(as: UInt8.self, repeating: 0, count: schema.rowSize)
        do {
            try fill(RowEncoder(base: row, schema: schema))
        } catch {
            releaseStrings(rows: bufferedRowCount..<(bufferedRowCount + 1))
            throw error
        }
        bufferedRowCount += 1
    }

    /// Writes the buffered rows to the dataset (not necessarily to disk: see `File.flush()`).
    public func flush() throws {
        let dset = try openID()
        guard bufferedRowCount > 0 else { return }
        let status = omni_h5_append(dset, memType, hsize_t(bufferedRowCount), buffer)
        if status < 0 { throw H5.failure(filePath, "append \(bufferedRowCount) rows to '\(name)'") }
        releaseStrings()
        writtenRowCount += bufferedRowCount
        bufferedRowCount = 0
    }

    override func willClose() {
        try? flush()
    }

    private func releaseStrings(rows: Range<Int>? = nil) {
        guard !stringColumns.isEmpty else { return }
        for row in rows ?? 0..<bufferedRowCount {
            for column in stringColumns {
                let p = buffer + row * schema.rowSize + schema.offsets[column]
                free(p.loadUnaligned(as: UnsafeMutablePointer<CChar>?.self))
                p.storeBytes(of: nil, as: UnsafeMutablePointer<CChar>?.self)
            }
        }
    }

    /// Reads written rows in `range` (default: all), decoding each with `decode`.
    /// Buffered rows are not visible until flushed.
    public func read<T>(_ range: Range<Int>? = nil, batchRows: Int = 65_536,
                        decode: (RowDecoder) throws -> T) throws -> [T] {
        let dset = try openID()
        let total = try storedRowCount()
        let range = range ?? 0..<total
        guard range.lowerBound >= 0, range.upperBound <= total else {
            throw HDF5Error.shapeMismatch(path: filePath, object: name, detail: "rows \(range) outside 0..<\(total)")
        }
        var result: [T] = []
        result.reserveCapacity(range.count)
        let batch = max(1, min(batchRows, range.count))
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: batch * schema.rowSize, alignment: 16)
        defer { scratch.deallocate() }
        var start = range.lowerBound
        while start < range.upperBound {
            let count = min(batch, range.upperBound - start)
            scratch.initializeMemory(as: UInt8.self, repeating: 0, count: count * schema.rowSize)
            if omni_h5_read_rows(dset, memType, hsize_t(start), hsize_t(count), scratch) < 0 {
                throw H5.failure(filePath, "read rows \(start)..<\(start + count) of '\(name)'")
            }
            defer { if !stringColumns.isEmpty { _ = omni_h5_vlen_reclaim(memType, hsize_t(count), scratch) } }
            for row in 0..<count {
                result.append(try decode(RowDecoder(base: UnsafeRawPointer(scratch + row * schema.rowSize), schema: schema)))
            }
            start += count
        }
        return result
    }

    /// Reads written rows as values in column order.
    public func readRows(_ range: Range<Int>? = nil) throws -> [[CompoundValue]] {
        let columns = schema.columns.indices
        return try read(range) { row in columns.map { row.value($0) } }
    }

    /// Rows currently in the dataset on disk (excludes the buffer).
    public func storedRowCount() throws -> Int {
        var dims = [hsize_t](repeating: 0, count: 1)
        let rank = omni_h5_dataset_dims(try openID(), &dims, 1)
        guard rank == 1 else { throw H5.failure(filePath, "read the length of '\(name)'") }
        return Int(dims[0])
    }
}

extension Group {
    /// Creates an empty compound table.
    @discardableResult
    public func createTable(_ child: String, schema: CompoundSchema, options: TableOptions = TableOptions()) throws -> CompoundTable {
        let loc = try openID()
        let full = childName(child)
        let storage = StorageOptions(chunk: [max(options.chunkRows, 1)], extendable: true,
                                     deflateLevel: options.deflateLevel, shuffle: options.shuffle)
        try storage.validate(rank: 1, path: filePath, object: full)
        let type = try schema.makeType(path: filePath)
        defer { H5Tclose(type) }
        let space = try H5.check(omni_h5_space(1, [0], 1), filePath, "make the dataspace of '\(full)'")
        defer { H5Sclose(space) }
        let dcpl = try storage.makeDCPL(path: filePath)
        defer { H5Pclose(dcpl) }
        let lcpl = try H5.check(omni_h5_lcpl_intermediate(), filePath, "create link properties")
        defer { H5Pclose(lcpl) }
        let dset = try H5.check(H5Dcreate2(loc, child, type, space, lcpl, dcpl, H5.defaultPlist), filePath,
                                "create table '\(full)'")
        do {
            return try CompoundTable(id: dset, filePath: filePath, name: full, owner: fileOwner, schema: schema,
                                     options: options, writtenRows: 0)
        } catch {
            H5Dclose(dset)
            throw error
        }
    }

    /// Opens an existing compound table; its schema is read from the file.
    public func table(_ child: String, options: TableOptions = TableOptions()) throws -> CompoundTable {
        let full = try requireChild(child)
        let dset = try H5.check(H5Dopen2(id, child, H5.defaultPlist), filePath, "open table '\(full)'")
        do {
            let schema = try readSchema(dset, full)
            var dims = [hsize_t](repeating: 0, count: 1)
            guard omni_h5_dataset_dims(dset, &dims, 1) == 1 else {
                throw HDF5Error.shapeMismatch(path: filePath, object: full, detail: "a table must be one-dimensional")
            }
            return try CompoundTable(id: dset, filePath: filePath, name: full, owner: fileOwner, schema: schema,
                                     options: options, writtenRows: Int(dims[0]))
        } catch {
            H5Dclose(dset)
            throw error
        }
    }

    private func readSchema(_ dset: hid_t, _ full: String) throws -> CompoundSchema {
        let type = try H5.check(H5Dget_type(dset), filePath, "read the type of '\(full)'")
        defer { H5Tclose(type) }
        guard H5Tget_class(type) == H5T_COMPOUND else {
            throw HDF5Error.typeMismatch(path: filePath, object: full, expected: "compound table", found: "another type")
        }
        let count = H5Tget_nmembers(type)
        var columns: [Column] = []
        for index in 0..<UInt32(max(count, 0)) {
            guard let cName = H5Tget_member_name(type, index) else { throw H5.failure(filePath, "read columns of '\(full)'") }
            let columnName = String(cString: cName)
            H5free_memory(cName)
            let member = try H5.check(H5Tget_member_type(type, index), filePath, "read column '\(columnName)'")
            defer { H5Tclose(member) }
            let size = H5Tget_size(member)
            let columnType: ColumnType?
            switch H5Tget_class(member) {
            case H5T_INTEGER:
                let signed = H5Tget_sign(member) != H5T_SGN_NONE
                columnType = size == 8 ? (signed ? .int64 : .uint64) : (size == 4 && signed ? .int32 : nil)
            case H5T_FLOAT: columnType = size == 8 ? .float64 : (size == 4 ? .float32 : nil)
            case H5T_STRING: columnType = H5Tis_variable_str(member) > 0 ? .string : .fixedString(size)
            default: columnType = nil
            }
            guard let columnType else {
                throw HDF5Error.typeMismatch(path: filePath, object: "\(full).\(columnName)",
                                             expected: "int64, uint64, int32, float64, float32 or string",
                                             found: "an unsupported column type")
            }
            columns.append(Column(columnName, columnType))
        }
        return try CompoundSchema(columns)
    }
}
