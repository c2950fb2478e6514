/// The UDP datagram a node broadcasts so that peers on the network can find it.
///
/// Layout (little-endian), at most `maxByteCount` bytes:
///
/// | field     | encoding                                         |
/// |-----------|--------------------------------------------------|
/// | magic     | ASCII "OMNB"                                     |
/// | version   | u16 (`DiscoveryBeacon.version`)                  |
/// | flags     | u8, bit 0: a 32-byte HMAC-SHA256 tag ends it     |
/// | node      | u16 length + UTF-8                               |
/// | tcp port  | u16                                              |
/// | model     | u16 length + UTF-8                               |
/// | timestamp | u64, sender's clock, milliseconds since 1970     |
/// | nonce     | u64, random per beacon                           |
/// | tag       | 32 bytes over everything before it, when flagged |
///
/// With a cluster key, beacons must be tagged; the receiver also checks freshness
/// (`isFresh(nowMilliseconds:maxAgeMilliseconds:)`) and may drop nonces it has seen, since a
/// tag alone does not stop a recorded beacon from being replayed.
public struct DiscoveryBeacon: Sendable, Equatable {
    public static let magic: [UInt8] = Array("OMNB".utf8)
    public static let version: UInt16 = 1
    public static let maxByteCount = 1024

    public var node: NodeID
    public var tcpPort: UInt16
    public var model: String
    public var timestampMilliseconds: UInt64
    public var nonce: UInt64

    public init(node: NodeID, tcpPort: UInt16, model: String, timestampMilliseconds: UInt64, nonce: UInt64) {
        self.node = node
        self.tcpPort = tcpPort
        self.model = model
        self.timestampMilliseconds = timestampMilliseconds
        self.nonce = nonce
    }

    /// The datagram; throws `FrameError.oversized` if node id and model name make it longer
    /// than `maxByteCount`.
    public func encode(authenticator: FrameAuthenticator? = nil) throws(FrameError) -> [UInt8] {
        let nodeBytes = Array(node.rawValue.utf8), modelBytes = Array(model.utf8)
        let length = 4 + 2 + 1 + 2 + nodeBytes.count + 2 + 2 + modelBytes.count + 8 + 8
            + (authenticator == nil ? 0 : HMACSHA256.tagByteCount)
        guard length <= Self.maxByteCount else { throw .oversized(length: length, max: Self.maxByteCount) }
        var w = ByteWriter(capacity: length)
        w.bytes(Self.magic)
        w.u16(Self.version)
        w.u8(authenticator == nil ? 0 : FrameHeader.authenticatedFlag)
        w.u16(UInt16(nodeBytes.count))
        w.bytes(nodeBytes)
        w.u16(tcpPort)
        w.u16(UInt16(modelBytes.count))
        w.bytes(modelBytes)
        w.u64(timestampMilliseconds)
        w.u64(nonce)
        var out = w.buffer
        if let authenticator { out.append(contentsOf: authenticator.tag(out)) }
        return out
    }

    /// Decodes and checks one datagram. With an `authenticator`, the beacon must carry a valid
    /// tag; without one, tagged beacons are refused.
    public static func decode(_ datagram: [UInt8], authenticator: FrameAuthenticator? = nil) throws(FrameError) -> DiscoveryBeacon {
        guard datagram.count <= maxByteCount else { throw .oversized(length: datagram.count, max: maxByteCount) }
        for (byte, expected) in zip(datagram, magic) where byte != expected {
            throw .badMagic(expected: magic, found: Array(datagram.prefix(4)))
        }
        let result = datagram.withUnsafeBytes { all in
            Result { () throws(FrameError) -> DiscoveryBeacon in try decode(all, authenticator: authenticator) }
        }
        return try result.get()
    }

    private static func decode(_ all: UnsafeRawBufferPointer, authenticator: FrameAuthenticator?) throws(FrameError) -> DiscoveryBeacon {
        var r = ByteReader(all, frameOffset: 0)
        let magicBytes = try r.raw(4, "beacon.magic")
        guard Array(magicBytes) == magic else { throw .badMagic(expected: magic, found: Array(magicBytes)) }
        let version = try r.u16("beacon.version")
        guard version == Self.version else { throw .unsupportedVersion(got: version, supported: Self.version) }
        let flags = try r.u8("beacon.flags")
        guard flags & ~FrameHeader.authenticatedFlag == 0 else { throw .unknownFlags(flags) }
        let tagged = flags & FrameHeader.authenticatedFlag != 0
        if authenticator != nil && !tagged {
            throw .authenticationFailed(reason: "discovery beacon carries no tag but this node requires the cluster key")
        }
        if authenticator == nil && tagged {
            throw .authenticationFailed(reason: "discovery beacon carries a tag but this node has no cluster key")
        }
        let node = try r.string("beacon.node", max: maxByteCount)
        let port = try r.u16("beacon.tcp_port")
        let model = try r.string("beacon.model", max: maxByteCount)
        let timestamp = try r.u64("beacon.timestamp")
        let nonce = try r.u64("beacon.nonce")
        if let authenticator {
            let signedLength = r.position
            let tag = try r.raw(HMACSHA256.tagByteCount, "beacon.tag")
            guard authenticator.isValid(tag: tag, for: UnsafeRawBufferPointer(rebasing: all[0..<signedLength])) else {
                throw .authenticationFailed(reason: "discovery beacon's HMAC-SHA256 tag does not match (wrong cluster key or altered beacon)")
            }
        }
        guard r.remaining == 0 else { throw .trailingBytes(messageType: "beacon", count: r.remaining, offset: r.offset) }
        return DiscoveryBeacon(node: NodeID(node), tcpPort: port, model: model, timestampMilliseconds: timestamp, nonce: nonce)
    }

    /// True if the beacon's timestamp is within `maxAgeMilliseconds` of `nowMilliseconds`, either
    /// way (clocks differ a little between machines).
    public func isFresh(nowMilliseconds: UInt64, maxAgeMilliseconds: UInt64) -> Bool {
        let age = nowMilliseconds >= timestampMilliseconds ? nowMilliseconds - timestampMilliseconds : timestampMilliseconds - nowMilliseconds
        return age <= maxAgeMilliseconds
    }
}
