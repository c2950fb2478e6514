import CHDF5
import Foundation

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
