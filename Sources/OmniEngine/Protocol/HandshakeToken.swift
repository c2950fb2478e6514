/// Challenge/response proof that a peer knows the cluster key, without sending the key.
///
/// On a new connection each side sends a fresh random challenge (`makeChallenge`, 32 bytes) and
/// answers the other's with `response(to:from:authenticator:)`: HMAC-SHA256 under the key of a
/// fixed label, the challenge and the responder's node id. Binding the responder's id means an
/// answer cannot be reflected back to the node that issued the challenge under another name, and
/// the label keeps these proofs distinct from frame tags and beacon tags. Randomness comes from
/// the caller's generator (the node core stays deterministic).
public enum HandshakeToken {
    public static let challengeByteCount = 32
    public static let responseByteCount = HMACSHA256.tagByteCount
    static let label: [UInt8] = Array("OMNI-handshake-v1".utf8) + [0]

    /// A fresh random challenge.
    public static func makeChallenge<G: RandomNumberGenerator>(using generator: inout G) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(challengeByteCount)
        while bytes.count < challengeByteCount {
            let word = generator.next()
            for i in 0..<8 where bytes.count < challengeByteCount { bytes.append(UInt8(truncatingIfNeeded: word >> (8 * UInt64(i)))) }
        }
        return bytes
    }

    /// The answer `node` gives to `challenge`.
    public static func response(to challenge: [UInt8], from node: NodeID, authenticator: FrameAuthenticator) -> [UInt8] {
        authenticator.tag(message(challenge, node))
    }

    /// True if `response` proves that `node` knows the key and answered exactly `challenge`
    /// (constant-time comparison). A challenge of the wrong length never verifies.
    public static func verify(_ response: [UInt8], to challenge: [UInt8], from node: NodeID,
                              authenticator: FrameAuthenticator) -> Bool {
        guard challenge.count == challengeByteCount else { return false }
        return authenticator.isValid(tag: response, for: message(challenge, node))
    }

    private static func message(_ challenge: [UInt8], _ node: NodeID) -> [UInt8] {
        let id = Array(node.rawValue.utf8)
        var m = label
        m.append(contentsOf: challenge)
        for shift in [24, 16, 8, 0] { m.append(UInt8(truncatingIfNeeded: id.count >> shift)) }
        m.append(contentsOf: id)
        return m
    }
}
