import CHDF5
import Foundation

/// A value stored as an HDF5 attribute. Strings are variable-length UTF-8; scalars are
/// HDF5 scalars, arrays are one-dimensional.
public enum AttributeValue: Equatable, Sendable {
    case string(String)
    case int64(Int64)
    case uint64(UInt64)
    case double(Double)
    case strings([String])
    case int64s([Int64])
    case doubles([Double])

    /// The string, when this is `.string`.
    public var stringValue: String? { if case .string(let v) = self { return v }; return nil }
    /// The integer, when this is `.int64` (or a `.uint64` that fits).
    public var int64Value: Int64? {
        switch self {
        case .int64(let v): return v
        case .uint64(let v): return Int64(exactly: v)
        default: return nil
        }
    }
    /// The number, when this is `.double`.
    public var doubleValue: Double? { if case .double(let v) = self { return v }; return nil }
    /// The strings, when this is `.strings`.
    public var stringsValue: [String]? { if case .strings(let v) = self { return v }; return nil }
    /// The integers, when this is `.int64s`.
    public var int64sValue: [Int64]? { if case .int64s(let v) = self { return v }; return nil }
    /// The numbers, when this is `.doubles`.
    public var doublesValue: [Double]? { if case .doubles(let v) = self { return v }; return nil }
}

extension HDF5Object {
    /// Writes (or replaces) an attribute on this object.
    public func setAttribute(_ attribute: String, _ value: AttributeValue) throws {
        let loc = try openID()
        let op = "write attribute '\(attribute)' on '\(name)'"
        func write(_ type: hid_t, _ rank: Int32, _ count: Int, _ buffer: UnsafeRawPointer?) throws {
            try H5.check(omni_h5_attr_write(loc, attribute, type, rank, hsize_t(count), buffer), filePath, op)
        }
        switch value {
        case .int64(var v): try write(omni_h5t_native_int64(), 0, 1, &v)
        case .uint64(var v): try write(omni_h5t_native_uint64(), 0, 1, &v)
        case .double(var v): try write(omni_h5t_native_double(), 0, 1, &v)
        case .int64s(let v): try v.withUnsafeBytes { try write(omni_h5t_native_int64(), 1, v.count, $0.baseAddress) }
        case .doubles(let v): try v.withUnsafeBytes { try write(omni_h5t_native_double(), 1, v.count, $0.baseAddress) }
        case .string(let s): try writeStrings([s], rank: 0, write)
        case .strings(let s): try writeStrings(s, rank: 1, write)
        }
    }

    private func writeStrings(_ strings: [String], rank: Int32,
                              _ write: (hid_t, Int32, Int, UnsafeRawPointer?) throws -> Void) throws {
        let type = try H5.check(omni_h5_string_type(0), filePath, "make a string type")
        defer { H5Tclose(type) }
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        try pointers.withUnsafeBytes { try write(type, rank, strings.count, $0.baseAddress) }
    }

    /// Names of this object's attributes, in name order.
    public func attributeNames() throws -> [String] {
        let loc = try openID()
        let count = omni_h5_num_attrs(loc)
        if count < 0 { throw H5.failure(filePath, "list attributes of '\(name)'") }
        return try (0..<Int(count)).map { index in
            let attr = try H5.check(H5Aopen_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(index),
                                                   H5.defaultPlist, H5.defaultPlist),
                                    filePath, "open attribute #\(index) of '\(name)'")
            defer { H5Aclose(attr) }
            let length = H5Aget_name(attr, 0, nil)
            var buffer = [CChar](repeating: 0, count: max(Int(length), 0) + 1)
            _ = H5Aget_name(attr, buffer.count, &buffer)
            return decodeCString(buffer)
        }
    }

    /// True when the attribute exists.
    public func hasAttribute(_ attribute: String) throws -> Bool {
        let found = H5Aexists(try openID(), attribute)
        if found < 0 { throw H5.failure(filePath, "look up attribute '\(attribute)' on '\(name)'") }
        return found > 0
    }

    /// Reads an attribute. Integers of any width read as `.int64` (unsigned 64-bit as `.uint64`),
    /// floats as `.double`, fixed or variable strings as `.string`; one-dimensional arrays
    /// as the plural cases.
    public func attribute(_ attribute: String) throws -> AttributeValue {
        let loc = try openID()
        guard try hasAttribute(attribute) else {
            throw HDF5Error.objectNotFound(path: filePath, object: "\(name)@\(attribute)")
        }
        let op = "read attribute '\(attribute)' on '\(name)'"
        let attr = try H5.check(H5Aopen(loc, attribute, H5.defaultPlist), filePath, op)
        defer { H5Aclose(attr) }
        let fileType = try H5.check(H5Aget_type(attr), filePath, op)
        defer { H5Tclose(fileType) }
        var dims = [hsize_t](repeating: 0, count: 8)
        let rank = omni_h5_attr_dims(attr, &dims, 8)
        guard rank == 0 || rank == 1 else {
            throw HDF5Error.shapeMismatch(path: filePath, object: "\(name)@\(attribute)",
                                          detail: "attributes of rank \(rank) are not supported")
        }
        let count = rank == 0 ? 1 : Int(dims[0])
        let mismatch = { (found: String) in
            HDF5Error.typeMismatch(path: self.filePath, object: "\(self.name)@\(attribute)",
                                   expected: "string, integer or float", found: found)
        }
        switch H5Tget_class(fileType) {
        case H5T_INTEGER:
            if H5Tget_sign(fileType) == H5T_SGN_NONE && H5Tget_size(fileType) == 8 {
                var values = [UInt64](repeating: 0, count: count)
                try H5.check(H5Aread(attr, omni_h5t_native_uint64(), &values), filePath, op)
                return rank == 0 ? .uint64(values[0]) : .int64s(values.map { Int64(bitPattern: $0) })
            }
            var values = [Int64](repeating: 0, count: count)
            try H5.check(H5Aread(attr, omni_h5t_native_int64(), &values), filePath, op)
            return rank == 0 ? .int64(values[0]) : .int64s(values)
        case H5T_FLOAT:
            var values = [Double](repeating: 0, count: count)
            try H5.check(H5Aread(attr, omni_h5t_native_double(), &values), filePath, op)
            return rank == 0 ? .double(values[0]) : .doubles(values)
        case H5T_STRING:
            let strings = try readStrings(attr, fileType, count, op)
            return rank == 0 ? .string(strings[0]) : .strings(strings)
        default:
            throw mismatch("HDF5 type class \(H5Tget_class(fileType).rawValue)")
        }
    }

    private func readStrings(_ attr: hid_t, _ fileType: hid_t, _ count: Int, _ op: String) throws -> [String] {
        if H5Tis_variable_str(fileType) > 0 {
            let memType = try H5.check(omni_h5_string_type(0), filePath, op)
            defer { H5Tclose(memType) }
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            try H5.check(H5Aread(attr, memType, &pointers), filePath, op)
            defer { _ = omni_h5_vlen_reclaim(memType, hsize_t(count), &pointers) }
            return pointers.map { $0.map { String(cString: $0) } ?? "" }
        }
        let size = H5Tget_size(fileType)
        let memType = try H5.check(omni_h5_string_type(size), filePath, op)
        defer { H5Tclose(memType) }
        var bytes = [UInt8](repeating: 0, count: size * count)
        try H5.check(H5Aread(attr, memType, &bytes), filePath, op)
        return (0..<count).map { decodeFixedString(bytes[($0 * size)..<(($0 + 1) * size)]) }
    }
}

/// Decodes a NUL-padded (or NUL-terminated) fixed-length UTF-8 field.
func decodeFixedString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
    return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
}

/// Decodes a NUL-terminated C buffer as UTF-8.
func decodeCString(_ buffer: [CChar]) -> String {
    decodeFixedString(buffer.lazy.map { UInt8(bitPattern: $0) })
}
