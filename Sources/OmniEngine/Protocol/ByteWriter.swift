/// Appends little-endian fixed-width fields to a byte buffer (the encoding side of the wire format).
struct ByteWriter {
    private(set) var buffer: [UInt8]

    init(capacity: Int = 64) {
        buffer = []
        buffer.reserveCapacity(capacity)
    }

    var count: Int { buffer.count }

    mutating func u8(_ v: UInt8) { buffer.append(v) }
    mutating func bool(_ v: Bool) { buffer.append(v ? 1 : 0) }

    mutating func u16(_ v: UInt16) { integer(v) }
    mutating func u32(_ v: UInt32) { integer(v) }
    mutating func u64(_ v: UInt64) { integer(v) }
    mutating func i64(_ v: Int64) { integer(v) }
    /// IEEE 754 bits, so every value (including NaN payloads and -0) travels exactly.
    mutating func f64(_ v: Double) { integer(v.bitPattern) }

    /// A non-negative count or position as u32. Values outside 0...UInt32.max are a bug in the
    /// sender (no node produces them).
    mutating func u32(_ v: Int, field: StaticString) {
        precondition(v >= 0 && v <= Int(UInt32.max), "\(field) = \(v) does not fit the wire's u32")
        integer(UInt32(v))
    }

    /// UTF-8 bytes with a u16 length prefix. `max` must be at most UInt16.max.
    mutating func string(_ s: String, max: Int, field: StaticString) {
        let utf8 = Array(s.utf8)
        precondition(utf8.count <= max, "\(field) is \(utf8.count) bytes of UTF-8, the wire allows at most \(max)")
        u16(UInt16(utf8.count))
        buffer.append(contentsOf: utf8)
    }

    mutating func bytes(_ b: some Collection<UInt8>) { buffer.append(contentsOf: b) }

    /// Appends `count` bytes written in place by `body` (which must initialise all of them).
    mutating func raw(count: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void) {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: count))
        buffer.withUnsafeMutableBytes { all in
            body(UnsafeMutableRawBufferPointer(rebasing: all[start..<(start + count)]))
        }
    }

    /// Overwrites 4 bytes at `offset` with `v` little-endian.
    mutating func patchU32(_ v: UInt32, at offset: Int) {
        for i in 0..<4 { buffer[offset + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) }
    }

    private mutating func integer<T: FixedWidthInteger>(_ v: T) {
        var le = v.littleEndian
        withUnsafeBytes(of: &le) { buffer.append(contentsOf: $0) }
    }
}

/// Shortens `s` to at most `max` bytes of UTF-8 without splitting a character's encoding (for
/// free text such as failure reasons and device names, where a cut is better than a refusal).
func truncatedUTF8(_ s: String, max: Int) -> String {
    let utf8 = Array(s.utf8)
    guard utf8.count > max else { return s }
    var end = max
    // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
    while end > 0, utf8[end] & 0xC0 == 0x80 { end -= 1 }
    return String(decoding: utf8[..<end], as: UTF8.self)
}
