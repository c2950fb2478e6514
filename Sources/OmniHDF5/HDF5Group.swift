import CHDF5
import Foundation

/// An HDF5 group: creates and opens child groups, datasets and compound tables.
/// Names may be relative to this group or absolute ("/a/b").
public class Group: HDF5Object {
    /// Creates a child group, creating missing intermediate groups.
    @discardableResult
    public func createGroup(_ child: String) throws -> Group {
        let loc = try openID()
        let full = childName(child)
        let lcpl = try H5.check(omni_h5_lcpl_intermediate(), filePath, "create link properties")
        defer { H5Pclose(lcpl) }
        let gcpl = try H5.check(omni_h5_gcpl_untimed(), filePath, "create group properties")
        defer { H5Pclose(gcpl) }
        let gid = try H5.check(H5Gcreate2(loc, child, lcpl, gcpl, H5.defaultPlist), filePath,
                               "create group '\(full)'")
        return Group(id: gid, filePath: filePath, name: full, owner: fileOwner, release: H5Gclose)
    }

    /// Opens an existing child group.
    public func group(_ child: String) throws -> Group {
        let full = try requireChild(child)
        let gid = try H5.check(H5Gopen2(id, child, H5.defaultPlist), filePath, "open group '\(full)'")
        return Group(id: gid, filePath: filePath, name: full, owner: fileOwner, release: H5Gclose)
    }

    /// Opens the group when it exists, else creates it.
    public func groupOrCreate(_ child: String) throws -> Group {
        try contains(child) ? group(child) : createGroup(child)
    }

    /// True when `child` (possibly a nested path) exists.
    public func contains(_ child: String) throws -> Bool {
        let loc = try openID()
        let found = omni_h5_path_exists(loc, child)
        if found < 0 { throw H5.failure(filePath, "look up '\(childName(child))'") }
        return found == 1
    }

    /// Names of the direct children, in HDF5's name order.
    public func childNames() throws -> [String] {
        let loc = try openID()
        let count = omni_h5_group_count(loc)
        if count < 0 { throw H5.failure(filePath, "list group '\(name)'") }
        var names: [String] = []
        names.reserveCapacity(Int(count))
        for index in 0..<UInt64(count) {
            let length = H5Lget_name_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, H5.defaultPlist)
            if length < 0 { throw H5.failure(filePath, "list group '\(name)'") }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            let got = H5Lget_name_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, H5.defaultPlist)
            if got < 0 { throw H5.failure(filePath, "list group '\(name)'") }
            names.append(decodeCString(buffer))
        }
        return names
    }

    /// Throws `objectNotFound` unless `child` exists; returns its absolute name.
    func requireChild(_ child: String) throws -> String {
        let full = childName(child)
        guard try contains(child) else { throw HDF5Error.objectNotFound(path: filePath, object: full) }
        return full
    }

    /// The `File` every child keeps alive.
    var fileOwner: HDF5Object { owner ?? self }
}

/// An HDF5 file. `File` is also its root group ("/").
///
/// Files are created in HDF5's earliest compatible format unless `swmrCapable` is set, which
/// selects the 1.10 format that single-writer/multiple-reader (SWMR) needs.
public final class File: Group {
    /// How an existing file is opened.
    public enum OpenMode: Sendable {
        case readOnly
        case readWrite
        /// Read-only, following a file that a SWMR writer is appending to.
        case swmrRead
    }

    private var fileID: hid_t
    /// True once `startSWMRWrite()` succeeded.
    public private(set) var isSWMRWriting = false

    private init(fileID: hid_t, rootID: hid_t, path: String) {
        self.fileID = fileID
        super.init(id: rootID, filePath: path, name: "/", owner: nil, release: H5Gclose)
    }

    /// Creates a file, truncating any existing one.
    public static func create(_ path: String, swmrCapable: Bool = false) throws -> File {
        H5.prepare()
        let fid = try H5.check(omni_h5_file_create(path, swmrCapable ? 1 : 0), path, "create the file")
        return try wrap(fid, path)
    }

    /// Opens an existing file. Missing files and non-HDF5 files raise `fileNotFound` / `notHDF5`.
    public static func open(_ path: String, mode: OpenMode = .readOnly) throws -> File {
        H5.prepare()
        switch omni_h5_is_hdf5(path) {
        case ..<0: throw HDF5Error.fileNotFound(path: path)
        case 0: throw HDF5Error.notHDF5(path: path)
        default: break
        }
        let raw: Int32 = mode == .readOnly ? 0 : (mode == .readWrite ? 1 : 2)
        let fid = try H5.check(omni_h5_file_open(path, raw), path, "open the file")
        return try wrap(fid, path)
    }

    private static func wrap(_ fid: hid_t, _ path: String) throws -> File {
        let root = H5Gopen2(fid, "/", H5.defaultPlist)
        if root < 0 {
            let error = H5.failure(path, "open the root group")
            H5Fclose(fid)
            throw error
        }
        return File(fileID: fid, rootID: root, path: path)
    }

    /// Writes every buffered change to disk. After it returns, a copy of the file's bytes
    /// is a readable HDF5 file holding everything written so far.
    public func flush() throws {
        _ = try openID()
        try H5.check(omni_h5_file_flush(fileID), filePath, "flush the file")
    }

    /// Identifiers open on this file (itself, its root group, and every group, dataset,
    /// table and attribute not yet closed). A value that keeps growing means a leak.
    public func openObjectCount() throws -> Int {
        let count = omni_h5_open_object_count(try openID())
        if count < 0 { throw H5.failure(filePath, "count open objects") }
        return Int(count)
    }

    /// Switches a `swmrCapable` file into SWMR-write mode: from now on readers opening with
    /// `.swmrRead` (or h5py `swmr=True`) see appended data after each flush. Create every
    /// dataset, table and attribute first: HDF5 1.10 supports only appending to existing
    /// chunked datasets while SWMR-writing (it does not always refuse other changes, but
    /// readers are not guaranteed to see them consistently).
    public func startSWMRWrite() throws {
        _ = try openID()
        try H5.check(H5Fstart_swmr_write(fileID), filePath, "start SWMR write mode")
        isSWMRWriting = true
    }

    override func willClose() {
        if fileID >= 0 {
            H5Fclose(fileID)
            fileID = -1
        }
    }
}
