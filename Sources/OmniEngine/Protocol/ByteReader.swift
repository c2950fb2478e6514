/// Bounds-checked little-endian reads from a frame's bytes (the decoding side of the wire
/// format). Every read checks the remaining length first and throws `FrameError.malformed` naming
/// the field and its byte offset in the frame; nothing is allocated from a count that the
/// remaining bytes cannot hold.
struct ByteReader {
    private let bytes: UnsafeRawBufferPointer
    /// Offset of `bytes[0]` in the frame, for error messages.
    private let base: Int
    private(set) var position = 0

    init(_ bytes: UnsafeRawBufferPointer, frameOffset: Int) {
        self.bytes = bytes
        self.base = frameOffset
    }

    var remaining: Int { bytes.count - position }
    /// The frame offset of the next byte.
    var offset: Int { base + position }

    func malformed(_ field: String, _ reason: String, at offset: Int? = nil) -> FrameError {
        .malformed(field: field, offset: offset ?? self.offset, reason: reason)
    }

    private mutating func need(_ n: Int, _ field: String) throws(FrameError) {
        guard n <= remaining else {
            throw malformed(field, "needs \(n) bytes, only \(remaining) left in the payload")
        }
    }

    private mutating func integer<T: FixedWidthInteger>(_: T.Type, _ field: String) throws(FrameError) -> T {
        let size = MemoryLayout<T>.size
        try need(size, field)
        var v: T = 0
        for i in 0..<size { v |= T(truncatingIfNeeded: bytes[position + i]) << (8 * i) }
        position += size
        return v
    }

    mutating func u8(_ field: String) throws(FrameError) -> UInt8 { try integer(UInt8.self, field) }
    mutating func u16(_ field: String) throws(FrameError) -> UInt16 { try integer(UInt16.self, field) }
    mutating func u32(_ field: String) throws(FrameError) -> UInt32 { try integer(UInt32.self, field) }
    mutating func u64(_ field: String) throws(FrameError) -> UInt64 { try integer(UInt64.self, field) }
    mutating func i64(_ field: String) throws(FrameError) -> Int64 { try integer(Int64.self, field) }
    mutating func f64(_ field: String) throws(FrameError) -> Double { Double(bitPattern: try integer(UInt64.self, field)) }
    /// A u32 count or position, as Int (always in 0...UInt32.max).
    mutating func int(_ field: String) throws(FrameError) -> Int { Int(try u32(field)) }

    /// A byte that must be 0 or 1.
    mutating func bool(_ field: String) throws(FrameError) -> Bool {
        let at = offset
        switch try u8(field) {
        case 0: return false
        case 1: return true
        case let v: throw malformed(field, "must be 0 or 1, got \(v)", at: at)
        }
    }

    /// A u16-length-prefixed UTF-8 string of at most `max` bytes; invalid UTF-8 is refused.
    mutating func string(_ field: String, max: Int) throws(FrameError) -> String {
        let at = offset
        let length = Int(try u16(field))
        guard length <= max else { throw malformed(field, "string of \(length) bytes exceeds the limit of \(max)", at: at) }
        try need(length, field)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)])
        guard let s = String(validating: slice, as: UTF8.self) else {
            throw malformed(field, "is not valid UTF-8", at: at + 2)
        }
        position += length
        return s
    }

    /// A u32 element count, checked against the bytes left: `count * elementSize` must fit.
    mutating func count(_ field: String, elementSize: Int) throws(FrameError) -> Int {
        let at = offset
        let n = try int(field)
        let (bytesNeeded, overflow) = n.multipliedReportingOverflow(by: elementSize)
        guard !overflow, bytesNeeded <= remaining else {
            throw malformed(field, "count \(n) needs \(n) × \(elementSize) bytes, only \(remaining) left in the payload", at: at)
        }
        return n
    }

    /// The next `n` bytes (already checked to be present by the caller or checked here).
    mutating func raw(_ n: Int, _ field: String) throws(FrameError) -> UnsafeRawBufferPointer {
        try need(n, field)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + n)])
        position += n
        return slice
    }
}
