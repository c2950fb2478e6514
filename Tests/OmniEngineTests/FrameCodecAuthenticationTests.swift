import Foundation
import Testing
@testable import OmniEngine

/// SHA-256 and HMAC-SHA256 against Python's hashlib/hmac (RFC 4231 included), tagged frames,
/// handshake tokens and discovery beacons.
@Suite struct FrameCodecAuthenticationTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
    static func bytes(_ hex: String) -> [UInt8] {
        let chars = Array(hex.utf8)
        return stride(from: 0, to: chars.count, by: 2).map { UInt8(String(decoding: chars[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    /// (message, digest) from Python's hashlib.sha256.
    static let sha256Vectors: [([UInt8], String)] = [
        ([], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (Array((0..<5).flatMap { _ in (0...255).map(UInt8.init) }), "d414b085826eb06778483ba35564dc849e643359f69ed9747878ba6e54985bed"),
    ]

    @Test func sha256MatchesHashlib() {
        for (message, digest) in Self.sha256Vectors {
            #expect(Self.hex(SHA256.hash(message)) == digest, "\(message.count) bytes")
        }
    }

    @Test func sha256OfAMillionAsMatchesHashlib() {
        var s = SHA256()
        let chunk = [UInt8](repeating: 0x61, count: 1000)
        for _ in 0..<1000 { s.update(chunk) }
        #expect(Self.hex(s.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func sha256GivesTheSameDigestForAnySplitOfTheInput() {
        let message = Array((0..<5).flatMap { _ in (0...255).map(UInt8.init) })
        let expected = SHA256.hash(message)
        for cut in [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, 1279, 1280] {
            var s = SHA256()
            s.update(message[..<cut])
            s.update(message[cut...])
            #expect(s.finalize() == expected, "split at \(cut)")
        }
    }

    /// RFC 4231 test cases 1-4, 6 and 7, as Python's hmac computes them.
    static let hmacVectors: [([UInt8], [UInt8], String)] = [
        ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (Array(1...25), [UInt8](repeating: 0xcd, count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ([UInt8](repeating: 0xaa, count: 131),
         Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ([], [], "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"),
        ([UInt8](repeating: 0x6b, count: 64), Array("block-size key".utf8),
         "3639ed45f96410ae1abf821aaf15a4e616209464f7e06fb79435d35e485bd3c2"),
    ]

    @Test func hmacMatchesRFC4231AndPython() {
        for (key, message, tag) in Self.hmacVectors {
            #expect(Self.hex(HMACSHA256.mac(key: key, message: message)) == tag, "key of \(key.count) bytes")
            #expect(Self.hex(FrameAuthenticator(key: key).tag(message)) == tag)
        }
        // RFC 4231 case 5 specifies the first 128 bits only.
        let truncated = HMACSHA256.mac(key: [UInt8](repeating: 0x0c, count: 20), message: Array("Test With Truncation".utf8)).prefix(16)
        #expect(Self.hex(Array(truncated)) == "a3b6167473100ee06e0c796c2955552b")
    }

    @Test func constantTimeEqualComparesContentAndLength() {
        #expect(HMACSHA256.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!HMACSHA256.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!HMACSHA256.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(HMACSHA256.constantTimeEqual([UInt8](), []))
    }

    @Test func everyAlteredByteOfATaggedFrameIsRefused() throws {
        let auth = FrameAuthenticator(passphrase: "secret")
        var g = FrameCodecRNG(seed: 31)
        let frame = FrameCodec.encode(.forward(FrameCodecSamples.forward(&g)), authenticator: auth)
        for i in FrameHeader.byteCount..<frame.count {
            var tampered = frame
            tampered[i] ^= 0x01
            let error = FrameCodecSamples.frameError { _ = try FrameCodecSamples.decodeAll(tampered, authenticator: auth) }
            #expect(error == .authenticationFailed(reason: "forward frame's HMAC-SHA256 tag does not match (wrong cluster key or altered frame)"),
                    "byte \(i)")
        }
        // Header edits never yield a message: the header checks or the tag refuse them, or a
        // longer length leaves the decoder waiting for bytes that never match.
        for i in 0..<FrameHeader.byteCount {
            var tampered = frame
            tampered[i] ^= 0x01
            var decoder = FrameDecoder(authenticator: auth)
            decoder.append(tampered)
            let result = Result { try decoder.next() }
            if case .success(let message) = result { #expect(message == nil, "header byte \(i)") }
            if i < 8 || i == 8 && frame[8] & 1 == 1 { #expect(throws: FrameError.self, "header byte \(i)") { try result.get() } }
        }
    }

    @Test func wrongKeyMissingTagAndUnexpectedTagAreRefused() throws {
        let message = PeerMessage.release(RequestID(origin: "a", sequence: 9))
        let right = FrameAuthenticator(passphrase: "right"), wrong = FrameAuthenticator(passphrase: "wrong")
        let tagged = FrameCodec.encode(message, authenticator: right)
        let wrongKey = FrameCodecSamples.frameError { _ = try FrameCodec.decode(frame: tagged, authenticator: wrong) }
        #expect(wrongKey == .authenticationFailed(reason: "release frame's HMAC-SHA256 tag does not match (wrong cluster key or altered frame)"))
        let missing = FrameCodecSamples.frameError { _ = try FrameCodec.decode(frame: FrameCodec.encode(message), authenticator: right) }
        #expect(missing == .authenticationFailed(reason: "release frame carries no tag but this node requires the cluster key"))
        #expect(missing?.localizedDescription == "frame authentication failed: release frame carries no tag but this node requires the cluster key")
        let unexpected = FrameCodecSamples.frameError { _ = try FrameCodec.decode(frame: tagged) }
        #expect(unexpected == .authenticationFailed(reason: "release frame carries a tag but this node has no cluster key"))
        // Stripping the tag and the flag does not help: the missing tag is refused.
        var stripped = Array(tagged.dropLast(32))
        stripped[7] = 0
        #expect(FrameCodecSamples.frameError { _ = try FrameCodec.decode(frame: stripped, authenticator: right) } == missing)
    }

    @Test func handshakeProvesTheKeyForThatChallengeAndNode() {
        let key = FrameAuthenticator(passphrase: "cluster"), other = FrameAuthenticator(passphrase: "not the cluster")
        var g = FrameCodecRNG(seed: 41)
        let challenge = HandshakeToken.makeChallenge(using: &g)
        let second = HandshakeToken.makeChallenge(using: &g)
        #expect(challenge.count == 32 && challenge != second)
        let response = HandshakeToken.response(to: challenge, from: "b", authenticator: key)
        #expect(response.count == 32)
        #expect(HandshakeToken.verify(response, to: challenge, from: "b", authenticator: key))
        #expect(!HandshakeToken.verify(response, to: second, from: "b", authenticator: key))
        #expect(!HandshakeToken.verify(response, to: challenge, from: "a", authenticator: key))
        #expect(!HandshakeToken.verify(HandshakeToken.response(to: challenge, from: "b", authenticator: other), to: challenge, from: "b", authenticator: key))
        #expect(!HandshakeToken.verify(Array(response.dropLast()), to: challenge, from: "b", authenticator: key))
        #expect(!HandshakeToken.verify(response, to: Array(challenge.dropLast()), from: "b", authenticator: key))
        // Not interchangeable with a frame tag over the same bytes.
        #expect(response != key.tag(challenge))
    }

    @Test func beaconRoundTripsWithAndWithoutKey() throws {
        let beacon = DiscoveryBeacon(node: "node-é", tcpPort: 52415, model: "llama-3.2-1b", timestampMilliseconds: 1_764_800_000_123, nonce: 0xDEADBEEF)
        let plain = try beacon.encode()
        #expect(Array(plain.prefix(4)) == Array("OMNB".utf8))
        #expect(try DiscoveryBeacon.decode(plain) == beacon)
        let key = FrameAuthenticator(passphrase: "k")
        let tagged = try beacon.encode(authenticator: key)
        #expect(tagged.count == plain.count + 32)
        #expect(try DiscoveryBeacon.decode(tagged, authenticator: key) == beacon)
        for i in 0..<tagged.count {
            var altered = tagged
            altered[i] ^= 0x10
            #expect(throws: FrameError.self, "byte \(i)") { _ = try DiscoveryBeacon.decode(altered, authenticator: key) }
        }
        #expect(throws: FrameError.authenticationFailed(reason: "discovery beacon carries no tag but this node requires the cluster key")) {
            _ = try DiscoveryBeacon.decode(plain, authenticator: key)
        }
        #expect(throws: FrameError.authenticationFailed(reason: "discovery beacon carries a tag but this node has no cluster key")) {
            _ = try DiscoveryBeacon.decode(tagged)
        }
    }

    @Test func beaconSizeIsBounded() throws {
        let long = DiscoveryBeacon(node: NodeID(String(repeating: "n", count: 600)), tcpPort: 1, model: String(repeating: "m", count: 600),
                                   timestampMilliseconds: 0, nonce: 0)
        #expect(throws: FrameError.oversized(length: 61 + 1200 - 32, max: 1024)) { _ = try long.encode() }
        #expect(throws: FrameError.oversized(length: 1025, max: 1024)) { _ = try DiscoveryBeacon.decode([UInt8](repeating: 0, count: 1025)) }
        #expect(throws: FrameError.badMagic(expected: Array("OMNB".utf8), found: Array("OMNI".utf8))) {
            _ = try DiscoveryBeacon.decode(FrameCodec.encode(.heartbeat))
        }
        let beacon = DiscoveryBeacon(node: "a", tcpPort: 1, model: "m", timestampMilliseconds: 5, nonce: 6)
        let bytes = try beacon.encode()
        #expect(throws: FrameError.trailingBytes(messageType: "beacon", count: 1, offset: bytes.count)) { _ = try DiscoveryBeacon.decode(bytes + [0]) }
        #expect(throws: FrameError.malformed(field: "beacon.nonce", offset: bytes.count - 8, reason: "needs 8 bytes, only 7 left in the payload")) {
            _ = try DiscoveryBeacon.decode(Array(bytes.dropLast()))
        }
    }

    @Test func beaconFreshnessAllowsClockSkewBothWays() {
        let beacon = DiscoveryBeacon(node: "a", tcpPort: 1, model: "m", timestampMilliseconds: 10_000, nonce: 0)
        #expect(beacon.isFresh(nowMilliseconds: 12_000, maxAgeMilliseconds: 5_000))
        #expect(beacon.isFresh(nowMilliseconds: 8_000, maxAgeMilliseconds: 5_000))
        #expect(!beacon.isFresh(nowMilliseconds: 16_000, maxAgeMilliseconds: 5_000))
        #expect(!beacon.isFresh(nowMilliseconds: 0, maxAgeMilliseconds: 5_000))
    }
}
