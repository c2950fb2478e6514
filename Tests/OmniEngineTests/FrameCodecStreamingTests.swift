import Foundation
import Testing
@testable import OmniEngine

/// FrameDecoder on a byte stream: frames split anywhere, several frames at once, early refusal.
@Suite struct FrameCodecStreamingTests {
    static func sampleMessages(seed: UInt64) -> [PeerMessage] {
        var g = FrameCodecRNG(seed: seed)
        return (0..<FrameCodecSamples.kindCount).map { FrameCodecSamples.message(kind: $0, &g) }
    }

    @Test(arguments: [false, true])
    func framesSplitAtEveryByteBoundaryDecode(authenticated: Bool) throws {
        let auth = authenticated ? FrameAuthenticator(passphrase: "k") : nil
        for message in Self.sampleMessages(seed: 21) {
            let frame = FrameCodec.encode(message, authenticator: auth)
            for cut in 0...frame.count {
                var decoder = FrameDecoder(authenticator: auth)
                decoder.append(frame[..<cut])
                let early = try decoder.next()
                if cut < frame.count {
                    #expect(early == nil, "a \(message.kind) frame cut at \(cut) of \(frame.count) decoded early")
                    decoder.append(frame[cut...])
                    #expect(try decoder.next() == message)
                } else {
                    #expect(early == message)
                }
                #expect(try decoder.next() == nil)
                #expect(decoder.bufferedByteCount == 0)
            }
        }
    }

    @Test func concatenatedFramesDecodeInOrderFromOneAppend() throws {
        let messages = Self.sampleMessages(seed: 22) + Self.sampleMessages(seed: 23)
        let stream = messages.flatMap { FrameCodec.encode($0) }
        var decoder = FrameDecoder()
        decoder.append(stream)
        var decoded: [PeerMessage] = []
        while let m = try decoder.next() { decoded.append(m) }
        #expect(decoded == messages)
        #expect(decoder.framesDecoded == messages.count)
        #expect(decoder.bytesConsumed == stream.count)
    }

    @Test func concatenatedFramesDecodeWhenFedInRandomChunks() throws {
        var g = FrameCodecRNG(seed: 24)
        let messages = (0..<60).map { _ in FrameCodecSamples.message(kind: Int.random(in: 0..<FrameCodecSamples.kindCount, using: &g), &g) }
        let stream = messages.flatMap { FrameCodec.encode($0, hiddenDType: .f32) }
        for _ in 0..<20 {
            var decoder = FrameDecoder()
            var decoded: [PeerMessage] = []
            var i = 0
            while i < stream.count {
                let n = Int.random(in: 1...97, using: &g)
                decoder.append(stream[i..<min(stream.count, i + n)])
                i += n
                while let m = try decoder.next() { decoded.append(m) }
            }
            #expect(decoded == messages)
        }
    }

    @Test func byteByByteFeedingDecodesEveryFrame() throws {
        let messages = Self.sampleMessages(seed: 25)
        var decoder = FrameDecoder()
        var decoded: [PeerMessage] = []
        for byte in messages.flatMap({ FrameCodec.encode($0) }) {
            decoder.append(CollectionOfOne(byte))
            if let m = try decoder.next() { decoded.append(m) }
        }
        #expect(decoded == messages)
    }

    @Test func foreignProtocolIsRefusedAtItsFirstByte() {
        var decoder = FrameDecoder()
        decoder.append(Array("G".utf8))
        let error = FrameCodecSamples.frameError { _ = try decoder.next() }
        #expect(error == .badMagic(expected: Array("OMNI".utf8), found: Array("G".utf8)))
    }

    @Test func oversizedFrameIsRefusedFromItsHeaderBeforeThePayloadArrives() {
        var decoder = FrameDecoder(maxFrameBytes: 1024)
        var header = FrameHeader(type: .forward, flags: 0, payloadLength: 4096).bytes
        decoder.append(header)
        #expect(FrameCodecSamples.frameError { _ = try decoder.next() } == .oversized(length: 12 + 4096, max: 1024))
        // The largest header value is refused by the default limit too, with nothing buffered.
        var defaults = FrameDecoder()
        header = FrameHeader(type: .forward, flags: 0, payloadLength: Int(UInt32.max)).bytes
        defaults.append(header)
        #expect(FrameCodecSamples.frameError { _ = try defaults.next() } == .oversized(length: 12 + Int(UInt32.max), max: 256 << 20))
        #expect(defaults.bufferedByteCount == 0)
    }

    @Test func frameOfExactlyTheLimitIsAccepted() throws {
        let frame = FrameCodec.encode(.failed(RequestID(origin: "a", sequence: 1), "why"))
        #expect(try FrameCodec.decode(frame: frame, maxFrameBytes: frame.count) == .failed(RequestID(origin: "a", sequence: 1), "why"))
        #expect(FrameCodecSamples.frameError { _ = try FrameCodec.decode(frame: frame, maxFrameBytes: frame.count - 1) }
                == .oversized(length: frame.count, max: frame.count - 1))
    }

    @Test func decoderStaysFailedAndDropsLaterBytes() throws {
        var decoder = FrameDecoder()
        decoder.append(FrameCodec.encode(.heartbeat))
        decoder.append([0x4F, 0x4D, 0x4E, 0x49, 9, 0, 2, 0, 0, 0, 0, 0])
        decoder.append(FrameCodec.encode(.heartbeat))
        #expect(try decoder.next() == .heartbeat)
        let first = FrameCodecSamples.frameError { _ = try decoder.next() }
        #expect(first == .unsupportedVersion(got: 9, supported: 1))
        #expect(decoder.failure == first)
        decoder.append(FrameCodec.encode(.heartbeat))
        #expect(decoder.bufferedByteCount == 0)
        #expect(FrameCodecSamples.frameError { _ = try decoder.next() } == first)
    }

    @Test func singleFrameDecodeRefusesTruncationAndTrailingBytes() {
        let frame = FrameCodec.encode(.release(RequestID(origin: "n", sequence: 5)))
        let truncated = FrameCodecSamples.frameError { _ = try FrameCodec.decode(frame: Array(frame.dropLast())) }
        #expect(truncated == .malformed(field: "frame", offset: frame.count - 1, reason: "truncated: the frame ends after \(frame.count - 1) bytes"))
        let trailing = FrameCodecSamples.frameError { _ = try FrameCodec.decode(frame: frame + [0x4F]) }
        #expect(trailing == .trailingBytes(messageType: "frame", count: 1, offset: frame.count))
    }

    @Test(arguments: WireDType.allCases)
    func largeHiddenStateFramesStreamInSmallChunks(dtype: WireDType) throws {
        var g = FrameCodecRNG(seed: 26)
        let messages: [PeerMessage] = (0..<3).map { i in
            let values = (0..<(32 * 512)).map { _ in Float.random(in: -4...4, using: &g) }
            return .forward(FrameCodecSamples.forward(&g, activation: .hidden(HiddenStates(tokens: 32, width: 512, values: values))))
        } + [.heartbeat]
        let frames = messages.map { FrameCodec.encode($0, hiddenDType: dtype) }
        let stream = frames.flatMap { $0 }
        var decoder = FrameDecoder(maxFrameBytes: 1 << 20)
        var decoded: [PeerMessage] = []
        for chunkStart in stride(from: 0, to: stream.count, by: 1500) {
            decoder.append(stream[chunkStart..<min(stream.count, chunkStart + 1500)])
            while let m = try decoder.next() { decoded.append(m) }
            #expect(decoder.bufferedByteCount < frames.map(\.count).max()! + 1500)
        }
        #expect(decoded.count == messages.count)
        // Each decoded frame encodes back to the bytes that were sent (f16/bf16 values are exact
        // after one rounding).
        #expect(decoded.map { FrameCodec.encode($0, hiddenDType: dtype) } == frames)
        if dtype == .f32 { #expect(decoded == messages) }
    }

    @Test func benchmarkRoundTripsItsFrame() {
        // Not a speed check: the benchmark traps if its frame fails to round-trip.
        #expect(CodecBenchmark.roundTripGBs(hiddenSize: 8, tokens: 2, dtype: .bf16, authenticated: true) > 0)
    }
}
