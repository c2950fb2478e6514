import Foundation
import Testing
@testable import OmniEngine

/// Every FrameError case, from a crafted frame, with the message that names what and where.
@Suite struct FrameCodecErrorTests {
    /// A frame around `payload` (length field set to its size unless `length` is given).
    static func frame(_ type: UInt8, _ payload: [UInt8], flags: UInt8 = 0, version: UInt16 = 1, length: Int? = nil) -> [UInt8] {
        var w = ByteWriter()
        w.bytes(FrameHeader.magic)
        w.u16(version)
        w.u8(type)
        w.u8(flags)
        w.u32(UInt32(length ?? payload.count))
        w.bytes(payload)
        return w.buffer
    }

    static func decodeError(_ frame: [UInt8]) -> FrameError? {
        FrameCodecSamples.frameError { _ = try FrameCodecSamples.decodeAll(frame) }
    }

    static let placement = Placement(epoch: 1, modelName: "m", numLayers: 2,
                                     shards: [ShardAssignment(node: "a", start: 0, end: 1), ShardAssignment(node: "b", start: 1, end: 2)])

    /// The forward payload up to (not including) the activation.
    static func forwardPrefix(position: Int64 = 0, placement: Placement = placement) -> ByteWriter {
        var w = ByteWriter()
        FrameCodec.write(RequestID(origin: "o", sequence: 1), into: &w)
        FrameCodec.write(placement, into: &w)
        w.i64(position)
        return w
    }

    static func settings(_ sampling: SamplingParameters = .greedy) -> RequestSettings {
        RequestSettings(sampling: sampling, maxTokens: 4, promptLength: 1, stopTokenIds: [], ignoreEOS: false)
    }

    @Test func badMagicNamesWhatWasFound() throws {
        let error = try #require(Self.decodeError(Array("HTTP/1.1 200 OK".utf8)))
        #expect(error == .badMagic(expected: Array("OMNI".utf8), found: Array("HTTP".utf8)))
        #expect(error.localizedDescription == "bad magic at byte 0: expected \"OMNI\" (4f 4d 4e 49), found 48 54 54 50")
    }

    @Test func unsupportedVersionNamesBothVersions() throws {
        let error = try #require(Self.decodeError(Self.frame(2, [], version: 7)))
        #expect(error == .unsupportedVersion(got: 7, supported: 1))
        #expect(error.localizedDescription.contains("version 7 at byte 4 (this node speaks version 1)"))
    }

    @Test(arguments: [UInt8(0), 7, 255])
    func unknownMessageTypeIsRefused(type: UInt8) throws {
        let error = try #require(Self.decodeError(Self.frame(type, [])))
        #expect(error == .unknownMessageType(type))
        #expect(error.localizedDescription == "unknown message type \(type) at byte 6")
    }

    @Test func unknownFlagsAreRefused() throws {
        let error = try #require(Self.decodeError(Self.frame(2, [], flags: 0x82)))
        #expect(error == .unknownFlags(0x82))
        #expect(error.localizedDescription == "unknown frame flags 0x82 at byte 7")
    }

    @Test func oversizedNamesLengthAndLimit() {
        #expect(FrameError.oversized(length: 300, max: 200).localizedDescription == "frame of 300 bytes exceeds the maximum of 200 bytes")
    }

    @Test func trailingBytesAfterTheLastField() throws {
        let error = try #require(Self.decodeError(Self.frame(2, [1, 2, 3])))
        #expect(error == .trailingBytes(messageType: "heartbeat", count: 3, offset: 12))
        #expect(error.localizedDescription == "malformed heartbeat frame: 3 unexpected bytes after the last field, at byte 12")
    }

    @Test func truncatedPayloadNamesTheMissingField() throws {
        var w = ByteWriter()
        FrameCodec.write(RequestID(origin: "ab", sequence: 1), into: &w)
        w.i64(0)
        w.i64(5)  // no finish byte
        let error = try #require(Self.decodeError(Self.frame(4, w.buffer)))
        #expect(error == .malformed(field: "token.finish", offset: 12 + 28, reason: "needs 1 bytes, only 0 left in the payload"))
        #expect(error.localizedDescription == "malformed frame: field 'token.finish' at byte 40: needs 1 bytes, only 0 left in the payload")
    }

    @Test func stringLongerThanThePayloadIsMalformed() throws {
        let error = try #require(Self.decodeError(Self.frame(5, [0xFF, 0x00, 0x61])))
        #expect(error == .malformed(field: "release.request.origin", offset: 14, reason: "needs 255 bytes, only 1 left in the payload"))
    }

    @Test func stringOverItsLimitIsMalformed() throws {
        var w = ByteWriter()
        w.u16(UInt16(FrameCodec.maxIdentifierBytes + 1))
        w.bytes(repeatElement(0x61, count: FrameCodec.maxIdentifierBytes + 1))
        w.u64(0)
        let error = try #require(Self.decodeError(Self.frame(5, w.buffer)))
        #expect(error == .malformed(field: "release.request.origin", offset: 12, reason: "string of 1025 bytes exceeds the limit of 1024"))
    }

    @Test func invalidUTF8IsMalformed() throws {
        let error = try #require(Self.decodeError(Self.frame(5, [2, 0, 0xC3, 0x28] + [UInt8](repeating: 0, count: 8))))
        #expect(error == .malformed(field: "release.request.origin", offset: 14, reason: "is not valid UTF-8"))
    }

    @Test func tokenCountLargerThanThePayloadIsRefusedBeforeAllocating() throws {
        var w = Self.forwardPrefix()
        let at = 12 + w.count + 1
        w.u8(0)
        w.u32(UInt32.max)
        w.i64(1)
        let error = try #require(Self.decodeError(Self.frame(3, w.buffer)))
        #expect(error == .malformed(field: "forward.activation.tokens", offset: at,
                                    reason: "count 4294967295 needs 4294967295 × 8 bytes, only 8 left in the payload"))
    }

    @Test func hiddenShapeLargerThanThePayloadIsRefusedBeforeAllocating() throws {
        var w = Self.forwardPrefix()
        w.u8(1)
        w.u32(UInt32.max)
        w.u32(UInt32.max)
        w.u8(WireDType.f32.rawValue)
        let at = 12 + w.count
        w.bytes([1, 2, 3, 4])
        let error = try #require(Self.decodeError(Self.frame(3, w.buffer)))
        #expect(error == .malformed(field: "forward.activation.hidden.values", offset: at,
                                    reason: "4294967295 × 4294967295 f32 values do not fit in the 4 bytes left in the payload"))
        // A shape whose byte size fits an Int but not the payload.
        var small = Self.forwardPrefix()
        small.u8(1)
        small.u32(2)
        small.u32(3)
        small.u8(WireDType.bf16.rawValue)
        small.bytes(repeatElement(0, count: 11))
        #expect(Self.decodeError(Self.frame(3, small.buffer)) == .malformed(
            field: "forward.activation.hidden.values", offset: 12 + small.count - 11,
            reason: "2 × 3 bf16 values do not fit in the 11 bytes left in the payload"))
    }

    @Test func unknownEnumBytesAreMalformed() throws {
        var kind = Self.forwardPrefix()
        let kindAt = 12 + kind.count
        kind.u8(9)
        #expect(Self.decodeError(Self.frame(3, kind.buffer))
                == .malformed(field: "forward.activation.kind", offset: kindAt, reason: "unknown activation kind 9 (0 token ids, 1 hidden states)"))

        var encoding = Self.forwardPrefix()
        encoding.u8(1)
        encoding.u32(1)
        encoding.u32(1)
        let encodingAt = 12 + encoding.count
        encoding.u8(4)
        #expect(Self.decodeError(Self.frame(3, encoding.buffer))
                == .malformed(field: "forward.activation.hidden.encoding", offset: encodingAt,
                              reason: "unknown element encoding 4 (0 placeholder, 1 f32, 2 f16, 3 bf16)"))

        var finish = ByteWriter()
        FrameCodec.write(RequestID(origin: "", sequence: 0), into: &finish)
        finish.i64(0)
        finish.i64(0)
        finish.u8(3)
        #expect(Self.decodeError(Self.frame(4, finish.buffer))
                == .malformed(field: "token.finish", offset: 12 + 26, reason: "unknown finish reason 3 (0 none, 1 stop, 2 length)"))
    }

    @Test func booleanOtherThanZeroOrOneIsMalformed() throws {
        var w = Self.forwardPrefix()
        FrameCodec.write(.tokens([1]), hiddenDType: .f32, into: &w)
        var settings = ByteWriter()
        FrameCodec.write(Self.settings(), into: &settings)
        var bytes = settings.buffer
        let eosIndex = 9 * 8 + 8 + 8 + 4  // sampling (incl. top logprobs), max tokens, prompt length, empty stop list
        bytes[eosIndex] = 2
        let error = Self.decodeError(Self.frame(3, w.buffer + bytes))
        #expect(error == .malformed(field: "forward.settings.ignore_eos", offset: 12 + w.count + eosIndex, reason: "must be 0 or 1, got 2"))
    }

    @Test func negativeOrHugePositionIsMalformed() throws {
        for position in [Int64(-1), Int64(FrameCodec.maxSequenceValue) + 1, .min] {
            var w = Self.forwardPrefix(position: position)
            FrameCodec.write(.tokens([1]), hiddenDType: .f32, into: &w)
            FrameCodec.write(Self.settings(), into: &w)
            let error = try #require(Self.decodeError(Self.frame(3, w.buffer)))
            guard case .malformed(let field, _, let reason) = error else {
                Issue.record("expected malformed, got \(error)")
                continue
            }
            #expect(field == "forward.position")
            #expect(reason == "must be in 0...\(FrameCodec.maxSequenceValue), got \(position)")
        }
    }

    @Test func invalidPlacementIsMalformedWithItsReason() throws {
        let broken = Placement(epoch: 3, modelName: "m", numLayers: 4,
                               shards: [ShardAssignment(node: "a", start: 0, end: 2), ShardAssignment(node: "b", start: 1, end: 4)])
        var w = Self.forwardPrefix(placement: broken)
        FrameCodec.write(.tokens([1]), hiddenDType: .f32, into: &w)
        FrameCodec.write(Self.settings(), into: &w)
        let error = try #require(Self.decodeError(Self.frame(3, w.buffer)))
        #expect(error == .malformed(field: "forward.placement", offset: 12 + 11,
                                    reason: PlacementError.invalidPlacement(reason: "shard 1 (node b) starts at layer 1, expected 2").localizedDescription))
        // The encoder is faithful: the same message encodes, and the receiver refuses it.
        let message = PeerMessage.forward(ForwardMessage(request: RequestID(origin: "o", sequence: 1), placement: broken, position: 0,
                                                         activation: .tokens([1]), settings: Self.settings()))
        #expect(FrameCodec.encode(message) == Self.frame(3, w.buffer))
    }

    @Test func tooManyShardsAreMalformed() throws {
        var w = ByteWriter()
        FrameCodec.write(RequestID(origin: "o", sequence: 1), into: &w)
        w.u64(1)
        w.string("m", max: 10, field: "m")
        w.i64(Int64(FrameCodec.maxShards + 1))
        let countAt = 12 + w.count
        w.u32(UInt32(FrameCodec.maxShards + 1))
        for i in 0...FrameCodec.maxShards {
            w.string("", max: 0, field: "node")
            w.i64(Int64(i))
            w.i64(Int64(i + 1))
        }
        let error = try #require(Self.decodeError(Self.frame(3, w.buffer)))
        #expect(error == .malformed(field: "forward.placement.shards", offset: countAt, reason: "1025 shards exceed the limit of 1024"))
    }

    @Test func invalidSamplingIsMalformedWithItsReason() throws {
        var w = Self.forwardPrefix()
        FrameCodec.write(.tokens([1]), hiddenDType: .f32, into: &w)
        let at = 12 + w.count
        FrameCodec.write(Self.settings(SamplingParameters(topP: 0)), into: &w)
        let error = try #require(Self.decodeError(Self.frame(3, w.buffer)))
        #expect(error == .malformed(field: "forward.settings.sampling", offset: at, reason: "top_p must be in (0, 1], got 0.0"))
    }

    @Test func invalidDeviceProfileIsMalformedWithItsReason() throws {
        var profile = PlacementFixtures.device("d", memory: 1 << 30)
        profile.availableMemoryBytes = 2 << 30
        let frame = FrameCodec.encode(.hello(NodeAnnouncement(node: "n", profile: profile, model: "m")))
        let error = try #require(Self.decodeError(frame))
        let reason = PlacementError.invalidDevice(node: "d", field: "available_memory_bytes",
                                                  reason: "(2147483648) exceeds total_memory_bytes (1073741824)").localizedDescription
        #expect(error == .malformed(field: "hello.profile", offset: 12 + 3 + 3, reason: reason))
    }
}
