/// The fixed 12-byte header that starts every frame:
///
/// | bytes | field            | encoding                                   |
/// |-------|------------------|--------------------------------------------|
/// | 0..<4 | magic            | ASCII "OMNI"                               |
/// | 4..<6 | protocol version | u16 little-endian (`FrameHeader.version`)  |
/// | 6     | message type     | u8 (`FrameMessageType`)                    |
/// | 7     | flags            | u8, bit 0: a 32-byte HMAC tag follows      |
/// | 8..<12| payload length   | u32 little-endian, excluding header and tag|
///
/// The payload follows, then the tag when flagged. The tag is HMAC-SHA256 over header and payload.
public struct FrameHeader: Sendable, Equatable {
    public static let magic: [UInt8] = Array("OMNI".utf8)
    public static let version: UInt16 = 1
    public static let byteCount = 12
    /// Flag bit: the frame ends with a 32-byte authentication tag.
    public static let authenticatedFlag: UInt8 = 0x01
    static let knownFlags: UInt8 = authenticatedFlag

    public var type: FrameMessageType
    public var flags: UInt8
    public var payloadLength: Int

    public var isAuthenticated: Bool { flags & Self.authenticatedFlag != 0 }
    /// Header, payload and tag together.
    public var frameLength: Int { Self.byteCount + payloadLength + (isAuthenticated ? HMACSHA256.tagByteCount : 0) }

    public init(type: FrameMessageType, flags: UInt8, payloadLength: Int) {
        self.type = type
        self.flags = flags
        self.payloadLength = payloadLength
    }

    /// The header's 12 bytes.
    public var bytes: [UInt8] {
        var w = ByteWriter(capacity: Self.byteCount)
        w.bytes(Self.magic)
        w.u16(Self.version)
        w.u8(type.rawValue)
        w.u8(flags)
        w.u32(UInt32(payloadLength))
        return w.buffer
    }

    /// Checks the magic bytes available so far (possibly fewer than 4), so that a peer speaking
    /// another protocol is refused at its first byte.
    static func checkMagicPrefix(_ prefix: some Collection<UInt8>) throws(FrameError) {
        for (byte, expected) in zip(prefix, magic) where byte != expected {
            throw .badMagic(expected: magic, found: Array(prefix.prefix(4)))
        }
    }

    /// Parses and checks a complete 12-byte header.
    static func parse(_ h: UnsafeRawBufferPointer) throws(FrameError) -> FrameHeader {
        precondition(h.count >= byteCount, "FrameHeader.parse needs 12 bytes")
        try checkMagicPrefix(h.prefix(4))
        let version = UInt16(h[4]) | UInt16(h[5]) << 8
        guard version == Self.version else { throw .unsupportedVersion(got: version, supported: Self.version) }
        guard let type = FrameMessageType(rawValue: h[6]) else { throw .unknownMessageType(h[6]) }
        let flags = h[7]
        guard flags & ~knownFlags == 0 else { throw .unknownFlags(flags) }
        let length = UInt32(h[8]) | UInt32(h[9]) << 8 | UInt32(h[10]) << 16 | UInt32(h[11]) << 24
        return FrameHeader(type: type, flags: flags, payloadLength: Int(length))
    }
}

/// The message type byte of a frame header: one value per `PeerMessage` case.
public enum FrameMessageType: UInt8, Sendable, CaseIterable {
    case hello = 1
    case heartbeat = 2
    case forward = 3
    case token = 4
    case release = 5
    case failed = 6

    /// The message's name as `PeerMessage.kind` spells it.
    public var name: String {
        switch self {
        case .hello: "hello"
        case .heartbeat: "heartbeat"
        case .forward: "forward"
        case .token: "token"
        case .release: "release"
        case .failed: "failed"
        }
    }
}
