import CHDF5
import Foundation

/// A one-dimensional, chunked, extendable, optionally compressed dataset of compound rows
/// (numpy structured array in h5py). Appended rows are buffered in memory and written in
/// batches of `options.bufferRows`, or on `flush()`/`close()`. `close()` cannot report a
/// failed write: call `flush()` first where losing the last rows must be noticed.
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
