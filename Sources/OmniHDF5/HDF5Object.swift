import CHDF5

/// Base of every open HDF5 handle (file, group, dataset, table). The handle is released
/// exactly once: by `close()` (idempotent) or at deinit. Children keep their `File` alive.
public class HDF5Object {
    /// The raw HDF5 identifier; negative once closed. Internal: the C layer stays hidden.
    private(set) var id: hid_t
    /// Path of the file on disk, for error messages.
    public let filePath: String
    /// Absolute name of the object inside the file ("/" for the root).
    public let name: String
    let owner: HDF5Object?
    private let release: (hid_t) -> herr_t

    init(id: hid_t, filePath: String, name: String, owner: HDF5Object?, release: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.filePath = filePath
        self.name = name
        self.owner = owner
        self.release = release
    }

    /// True until `close()`.
    public var isOpen: Bool { id >= 0 }

    /// Releases the handle. Safe to call more than once.
    public func close() {
        guard id >= 0 else { return }
        H5.prepare()
        willClose()
        _ = release(id)
        id = -1
    }

    /// Hook for subclasses that must write buffered data before the handle goes away.
    func willClose() {}

    deinit { close() }

    /// The open identifier, or `HDF5Error.closed`.
    func openID() throws -> hid_t {
        guard id >= 0 else { throw HDF5Error.closed(path: filePath, object: name) }
        H5.prepare()
        return id
    }

    /// Joins a child name onto this object's name.
    func childName(_ child: String) -> String {
        if child.hasPrefix("/") { return child }
        return name == "/" ? "/" + child : name + "/" + child
    }
}
