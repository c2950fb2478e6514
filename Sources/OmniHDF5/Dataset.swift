import CHDF5
import Foundation

/// Numeric element types of `Dataset`.
public enum ElementType: String, Sendable, CaseIterable {
    case float32, float64, int32, int64, uint8

    var nativeType: hid_t {
        switch self {
        case .float32: return omni_h5t_native_float()
        case .float64: return omni_h5t_native_double()
        case .int32: return omni_h5t_native_int32()
        case .int64: return omni_h5t_native_int64()
        case .uint8: return omni_h5t_native_uint8()
        }
    }

    /// Maps a stored HDF5 type to an element type, or nil when it is none of these.
    static func from(hdf5 type: hid_t) -> ElementType? {
        let size = H5Tget_size(type)
        switch H5Tget_class(type) {
        case H5T_FLOAT: return size == 4 ? .float32 : (size == 8 ? .float64 : nil)
        case H5T_INTEGER:
            let signed = H5Tget_sign(type) != H5T_SGN_NONE
            switch (size, signed) {
            case (4, true): return .int32
            case (8, true): return .int64
            case (1, false): return .uint8
            default: return nil
            }
        default: return nil
        }
    }
}

/// Swift scalars that map to an `ElementType`.
public protocol HDF5Scalar: Sendable {
    static var elementType: ElementType { get }
}
extension Float: HDF5Scalar { public static var elementType: ElementType { .float32 } }
extension Double: HDF5Scalar { public static var elementType: ElementType { .float64 } }
extension Int32: HDF5Scalar { public static var elementType: ElementType { .int32 } }
extension Int64: HDF5Scalar { public static var elementType: ElementType { .int64 } }
extension UInt8: HDF5Scalar { public static var elementType: ElementType { .uint8 } }

/// How a dataset is laid out on disk.
public struct StorageOptions: Sendable, Equatable {
    /// Chunk shape (same rank as the dataset); nil stores the dataset contiguously.
    public var chunk: [Int]?
    /// When true, dimension 0 is unlimited so `append` can grow it. Needs `chunk`.
    public var extendable: Bool
    /// Deflate (gzip) level 1...9, or nil for no compression. Needs `chunk`.
    public var deflateLevel: Int?
    /// Byte shuffle before deflate (helps numeric columns compress).
    public var shuffle: Bool

    public init(chunk: [Int]? = nil, extendable: Bool = false, deflateLevel: Int? = nil, shuffle: Bool = false) {
        self.chunk = chunk
        self.extendable = extendable
        self.deflateLevel = deflateLevel
        self.shuffle = shuffle
    }

    /// Contiguous, fixed size, uncompressed.
    public static let contiguous = StorageOptions()

    /// Chunked, extendable along dimension 0, shuffled and deflated at `deflateLevel`.
    public static func extendable(chunk: [Int], deflateLevel: Int? = 4, shuffle: Bool = true) -> StorageOptions {
        StorageOptions(chunk: chunk, extendable: true, deflateLevel: deflateLevel, shuffle: shuffle)
    }

    func validate(rank: Int, path: String, object: String) throws {
        func bad(_ detail: String) -> HDF5Error { .invalidValue(path: path, object: object, detail: detail) }
        if let chunk {
            if chunk.count != rank { throw bad("chunk rank \(chunk.count) differs from dataset rank \(rank)") }
            if chunk.contains(where: { $0 <= 0 }) { throw bad("chunk dimensions must be positive: \(chunk)") }
        } else if extendable || deflateLevel != nil || shuffle {
            throw bad("extendable, compressed or shuffled datasets need a chunk shape")
        }
        if let level = deflateLevel, !(1...9).contains(level) { throw bad("deflate level \(level) is not in 1...9") }
        if rank == 0 && chunk != nil { throw bad("scalar datasets cannot be chunked") }
    }

    func makeDCPL(path: String) throws -> hid_t {
        let level = Int32(deflateLevel ?? 0)
        if let chunk {
            let dims = chunk.map { hsize_t($0) }
            return try H5.check(omni_h5_dcpl(Int32(dims.count), dims, level, shuffle ? 1 : 0), path, "make dataset properties")
        }
        return try H5.check(omni_h5_dcpl(0, nil, 0, 0), path, "make dataset properties")
    }
}

/// An n-dimensional numeric dataset. Data is row-major (C order), as numpy and h5py use.
public final class Dataset: HDF5Object {
    /// The stored element type.
    public let elementType: ElementType

    init(id: hid_t, filePath: String, name: String, owner: HDF5Object, elementType: ElementType) {
        self.elementType = elementType
        super.init(id: id, filePath: filePath, name: name, owner: owner, release: H5Dclose)
    }

    /// Current dimensions.
    public func shape() throws -> [Int] {
        let dset = try openID()
        var dims = [hsize_t](repeating: 0, count: 32)
        let rank = omni_h5_dataset_dims(dset, &dims, 32)
        if rank < 0 { throw H5.failure(filePath, "read the shape of '\(name)'") }
        return dims.prefix(Int(rank)).map { Int($0) }
    }

    /// Number of elements in one row (the product of all dimensions but the first).
    func rowSize(_ shape: [Int]) -> Int { shape.dropFirst().reduce(1, *) }

    private func requireType<T: HDF5Scalar>(_: T.Type) throws {
        guard T.elementType == elementType else {
            throw HDF5Error.typeMismatch(path: filePath, object: name, expected: T.elementType.rawValue,
                                         found: elementType.rawValue)
        }
    }

    /// Overwrites the whole dataset; `values.count` must equal the element count.
    public func write<T: HDF5Scalar>(_ values: [T]) throws {
        try requireType(T.self)
        let shape = try shape()
        let total = shape.reduce(1, *)
        guard values.count == total else {
            throw HDF5Error.shapeMismatch(path: filePath, object: name,
                                          detail: "\(values.count) values for shape \(shape) (\(total) elements)")
        }
        try values.withUnsafeBytes { raw in
            try H5.check(H5Dwrite(id, elementType.nativeType, H5.all, H5.all, H5.defaultPlist, raw.baseAddress),
                         filePath, "write '\(name)'")
        }
    }

    /// Appends rows along dimension 0 of an extendable dataset. `values.count` must be a
    /// multiple of the row size (product of the other dimensions).
    public func append<T: HDF5Scalar>(_ values: [T]) throws {
        try requireType(T.self)
        let row = rowSize(try shape())
        guard row > 0, values.count % row == 0 else {
            throw HDF5Error.shapeMismatch(path: filePath, object: name,
                                          detail: "\(values.count) values is not a whole number of rows of \(row)")
        }
        try values.withUnsafeBytes { raw in
            try H5.check(omni_h5_append(id, elementType.nativeType, hsize_t(values.count / row), raw.baseAddress),
                         filePath, "append to '\(name)' (is it extendable?)")
        }
    }

    /// Reads every element, row-major.
    public func read<T: HDF5Scalar>(_: T.Type = T.self) throws -> [T] {
        try requireType(T.self)
        let total = try shape().reduce(1, *)
        if total == 0 { return [] }
        return try [T](unsafeUninitializedCapacity: total) { buffer, initialized in
            let status = H5Dread(id, elementType.nativeType, H5.all, H5.all, H5.defaultPlist, buffer.baseAddress)
            if status < 0 { throw H5.failure(filePath, "read '\(name)'") }
            initialized = total
        }
    }

    /// Reads rows `range` along dimension 0.
    public func readRows<T: HDF5Scalar>(_ range: Range<Int>, as _: T.Type = T.self) throws -> [T] {
        try requireType(T.self)
        let shape = try shape()
        guard let first = shape.first, range.lowerBound >= 0, range.upperBound <= first else {
            throw HDF5Error.shapeMismatch(path: filePath, object: name, detail: "rows \(range) outside shape \(shape)")
        }
        let total = range.count * rowSize(shape)
        if total == 0 { return [] }
        return try [T](unsafeUninitializedCapacity: total) { buffer, initialized in
            let status = omni_h5_read_rows(id, elementType.nativeType, hsize_t(range.lowerBound), hsize_t(range.count),
                                           buffer.baseAddress)
            if status < 0 { throw H5.failure(filePath, "read rows \(range) of '\(name)'") }
            initialized = total
        }
    }
}

extension Group {
    /// Creates a dataset of `shape` (initially zero-filled). With `.extendable` storage,
    /// dimension 0 may start at 0 and grow with `append`.
    @discardableResult
    public func createDataset(_ child: String, type: ElementType, shape: [Int],
                              storage: StorageOptions = .contiguous) throws -> Dataset {
        let loc = try openID()
        let full = childName(child)
        try storage.validate(rank: shape.count, path: filePath, object: full)
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw HDF5Error.invalidValue(path: filePath, object: full, detail: "negative dimension in \(shape)")
        }
        let dims = shape.map { hsize_t($0) }
        let space = try H5.check(omni_h5_space(Int32(dims.count), dims, storage.extendable ? 1 : 0), filePath,
                                 "make the dataspace of '\(full)'")
        defer { H5Sclose(space) }
        let dcpl = try storage.makeDCPL(path: filePath)
        defer { H5Pclose(dcpl) }
        let lcpl = try H5.check(omni_h5_lcpl_intermediate(), filePath, "create link properties")
        defer { H5Pclose(lcpl) }
        let dset = try H5.check(H5Dcreate2(loc, child, type.nativeType, space, lcpl, dcpl, H5.defaultPlist),
                                filePath, "create dataset '\(full)'")
        return Dataset(id: dset, filePath: filePath, name: full, owner: fileOwner, elementType: type)
    }

    /// Creates a dataset holding `values` with `shape` (default: one-dimensional).
    @discardableResult
    public func createDataset<T: HDF5Scalar>(_ child: String, values: [T], shape: [Int]? = nil,
                                             storage: StorageOptions = .contiguous) throws -> Dataset {
        let dataset = try createDataset(child, type: T.elementType, shape: shape ?? [values.count], storage: storage)
        try dataset.write(values)
        return dataset
    }

    /// Opens an existing numeric dataset.
    public func dataset(_ child: String) throws -> Dataset {
        let full = try requireChild(child)
        let dset = try H5.check(H5Dopen2(id, child, H5.defaultPlist), filePath, "open dataset '\(full)'")
        let type = H5Dget_type(dset)
        defer { if type >= 0 { H5Tclose(type) } }
        guard type >= 0, let element = ElementType.from(hdf5: type) else {
            H5Dclose(dset)
            throw HDF5Error.typeMismatch(path: filePath, object: full,
                                         expected: "float32, float64, int32, int64 or uint8", found: "another type")
        }
        return Dataset(id: dset, filePath: filePath, name: full, owner: fileOwner, elementType: element)
    }
}
