import Foundation

/// The exchange that opens every peer connection, before any frame: each side says who it is
/// and, with a cluster key, proves that it knows the key (`HandshakeToken` challenge/response).
///
/// Both sides send at once (no one waits for the other to speak first):
///
/// | field     | encoding                                                   |
/// |-----------|------------------------------------------------------------|
/// | magic     | ASCII "OMNC"                                               |
/// | version   | u8 (`ConnectionHandshake.version`)                         |
/// | flags     | u8, bit 0: the sender has a cluster key                    |
/// | node id   | u16 little-endian byte length + UTF-8 (at most 1024 bytes) |
/// | challenge | 32 random bytes, only with a cluster key                   |
///
/// With a cluster key each side then sends its 32-byte answer to the other's challenge and
/// checks the answer it receives. Frames (HMAC-tagged with a key) follow.
public enum ConnectionHandshake {
    public static let magic: [UInt8] = Array("OMNC".utf8)
    public static let version: UInt8 = 1
    static let keyedFlag: UInt8 = 1

    /// The opening bytes a node sends; `challenge` is empty without a key.
    static func preamble(node: NodeID, challenge: [UInt8]) -> [UInt8] {
        let id = Array(node.rawValue.utf8)
        var out = magic
        out.append(version)
        out.append(challenge.isEmpty ? 0 : keyedFlag)
        out.append(UInt8(id.count & 0xff))
        out.append(UInt8(id.count >> 8))
        out.append(contentsOf: id)
        out.append(contentsOf: challenge)
        return out
    }

    /// Runs the handshake on a fresh connection and returns the peer's id. Throws
    /// `LiveError.handshake` naming the peer and what is wrong (a reason starting with
    /// "cluster key mismatch" when the keys differ), or a socket error. Waits at most `timeout`
    /// seconds for the peer.
    public static func perform(on socket: Socket, me: NodeID, authenticator: FrameAuthenticator?,
                               peer: String, timeout: Double = 5) throws -> NodeID {
        var challenge: [UInt8] = []
        if authenticator != nil {
            var generator = SystemRandomNumberGenerator()
            challenge = HandshakeToken.makeChallenge(using: &generator)
        }
        try socket.setReceiveTimeout(timeout)
        try socket.sendAll(preamble(node: me, challenge: challenge))
        let head = try socket.receiveExactly(8)
        guard Array(head[0..<4]) == magic else {
            throw LiveError.handshake(peer: peer, reason: "it does not speak the OMNI peer protocol (bad magic \(head[0..<4].map { String(format: "%02x", $0) }.joined(separator: " ")))")
        }
        guard head[4] == version else {
            throw LiveError.handshake(peer: peer, reason: "it speaks handshake version \(head[4]), this node speaks \(version)")
        }
        let flags = head[5]
        guard flags & ~keyedFlag == 0 else { throw LiveError.handshake(peer: peer, reason: String(format: "unknown handshake flags 0x%02x", flags)) }
        let idLength = Int(head[6]) | Int(head[7]) << 8
        guard idLength > 0, idLength <= FrameCodec.maxIdentifierBytes else {
            throw LiveError.handshake(peer: peer, reason: "node id length \(idLength) is not in 1...\(FrameCodec.maxIdentifierBytes)")
        }
        let idBytes = try socket.receiveExactly(idLength)
        guard let idText = String(validating: idBytes, as: UTF8.self) else {
            throw LiveError.handshake(peer: peer, reason: "its node id is not valid UTF-8")
        }
        let peerID = NodeID(idText)
        let peerKeyed = flags & keyedFlag != 0
        switch (authenticator, peerKeyed) {
        case (nil, false):
            break
        case (nil, true):
            throw LiveError.handshake(peer: peer, reason: "cluster key mismatch (the peer \(peerID) requires a cluster key, this node has none)")
        case (.some, false):
            throw LiveError.handshake(peer: peer, reason: "cluster key mismatch (this node requires a cluster key, the peer \(peerID) has none)")
        case (.some(let auth), true):
            let peerChallenge = try socket.receiveExactly(HandshakeToken.challengeByteCount)
            try socket.sendAll(HandshakeToken.response(to: peerChallenge, from: me, authenticator: auth))
            let answer = try socket.receiveExactly(HandshakeToken.responseByteCount)
            guard HandshakeToken.verify(answer, to: challenge, from: peerID, authenticator: auth) else {
                throw LiveError.handshake(peer: peer, reason: "cluster key mismatch (peer \(peerID) could not prove it knows this cluster's key)")
            }
        }
        try socket.setReceiveTimeout(0)
        return peerID
    }
}
