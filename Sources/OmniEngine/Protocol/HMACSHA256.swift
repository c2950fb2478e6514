/// HMAC-SHA256 (RFC 2104) and a constant-time comparison of tags.
public struct HMACSHA256: Sendable {
    public static let tagByteCount = 32

    private var inner: SHA256
    private var outer: SHA256

    /// Starts a MAC with `key` (keys longer than a block are hashed first, as RFC 2104 says).
    public init(key: [UInt8]) {
        var block = key.count > SHA256.blockByteCount ? SHA256.hash(key) : key
        block.append(contentsOf: repeatElement(0, count: SHA256.blockByteCount - block.count))
        inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        outer = SHA256()
        outer.update(block.map { $0 ^ 0x5c })
    }

    public mutating func update(_ bytes: some Collection<UInt8>) { inner.update(bytes) }
    public mutating func update(_ bytes: UnsafeRawBufferPointer) { inner.update(bytes) }

    /// The 32-byte tag.
    public consuming func finalize() -> [UInt8] {
        var outer = self.outer
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// The tag of `message` under `key` in one call.
    public static func mac(key: [UInt8], message: some Collection<UInt8>) -> [UInt8] {
        var m = HMACSHA256(key: key)
        m.update(message)
        return m.finalize()
    }

    /// Compares two byte strings in time that depends only on their lengths, not their contents.
    public static func constantTimeEqual(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
