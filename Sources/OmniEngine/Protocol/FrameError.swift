import Foundation

/// Why bytes from a peer could not be turned into a message. Every case says what is wrong and,
/// where it applies, at which byte offset of the frame (counted from the first magic byte) and in
/// which field. A connection that produced one of these is to be closed; the node keeps serving.
public enum FrameError: LocalizedError, Equatable, Sendable {
    /// The frame (or beacon) does not start with the protocol's magic bytes: the peer speaks
    /// something else.
    case badMagic(expected: [UInt8], found: [UInt8])
    /// The peer speaks a protocol version this node does not.
    case unsupportedVersion(got: UInt16, supported: UInt16)
    /// The header names a message type this node does not know.
    case unknownMessageType(UInt8)
    /// The header sets flag bits this node does not know.
    case unknownFlags(UInt8)
    /// The frame (header, payload and tag) is larger than the receiver accepts.
    case oversized(length: Int, max: Int)
    /// A payload field is invalid: truncated, out of range or inconsistent.
    case malformed(field: String, offset: Int, reason: String)
    /// The payload holds bytes after the last field of its message.
    case trailingBytes(messageType: String, count: Int, offset: Int)
    /// The frame's authentication tag is missing, unexpected or wrong.
    case authenticationFailed(reason: String)

    public var errorDescription: String? {
        switch self {
        case .badMagic(let expected, let found):
            func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined(separator: " ") }
            let name = String(decoding: expected, as: UTF8.self)
            return "bad magic at byte 0: expected \"\(name)\" (\(hex(expected))), found \(hex(found))"
        case .unsupportedVersion(let got, let supported):
            return "unsupported protocol version \(got) at byte 4 (this node speaks version \(supported))"
        case .unknownMessageType(let type):
            return "unknown message type \(type) at byte 6"
        case .unknownFlags(let flags):
            return String(format: "unknown frame flags 0x%02x at byte 7", flags)
        case .oversized(let length, let max):
            return "frame of \(length) bytes exceeds the maximum of \(max) bytes"
        case .malformed(let field, let offset, let reason):
            return "malformed frame: field '\(field)' at byte \(offset): \(reason)"
        case .trailingBytes(let type, let count, let offset):
            return "malformed \(type) frame: \(count) unexpected bytes after the last field, at byte \(offset)"
        case .authenticationFailed(let reason):
            return "frame authentication failed: \(reason)"
        }
    }
}
