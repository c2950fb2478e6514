/// A byte sequence used as a dictionary key: compared byte for byte (never by Unicode
/// canonical equivalence) and hashed in one call over its memory, much faster than hashing
/// `[UInt8]` element by element.
struct ByteString: Hashable, Sendable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = Array(bytes)
    }

    init(_ text: String) {
        self.bytes = Array(text.utf8)
    }

    static func == (left: ByteString, right: ByteString) -> Bool {
        left.bytes == right.bytes
    }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
