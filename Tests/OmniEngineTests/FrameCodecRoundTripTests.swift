import Foundation
import Testing
@testable import OmniEngine

/// Encode → decode gives back the same message; the byte layout is the documented one.
@Suite struct FrameCodecRoundTripTests {
    @Test(arguments: 0..<FrameCodecSamples.kindCount)
    func everyKindRoundTripsWithRandomContents(kind: Int) throws {
        var g = FrameCodecRNG(seed: 0xC0DEC + UInt64(kind))
        for _ in 0..<200 {
            let message = FrameCodecSamples.message(kind: kind, &g)
            let frame = FrameCodec.encode(message)
            #expect(try FrameCodec.decode(frame: frame) == message)
            #expect(frame[6] == FrameCodec.type(of: message).rawValue)
            #expect(FrameCodec.type(of: message).name == message.kind)
        }
    }

    @Test func headerIsMagicVersionTypeFlagsLength() {
        #expect(FrameCodec.encode(.heartbeat) == [0x4F, 0x4D, 0x4E, 0x49, 1, 0, 2, 0, 0, 0, 0, 0])
    }

    @Test func tokenFrameHasTheDocumentedLayout() {
        let message = PeerMessage.token(TokenMessage(request: RequestID(origin: "ab", sequence: 0x0102), index: 3, token: 0x1_0000, finish: .length))
        let expected: [UInt8] = [0x4F, 0x4D, 0x4E, 0x49, 1, 0, 4, 0, 30, 0, 0, 0,
                                 2, 0, 0x61, 0x62, 0x02, 0x01, 0, 0, 0, 0, 0, 0,  // origin "ab", sequence u64
                                 3, 0, 0, 0, 0, 0, 0, 0,                          // index i64
                                 0, 0, 1, 0, 0, 0, 0, 0,                          // token i64
                                 2,                                                // finish: length
                                 0]                                                // no log-probabilities
        #expect(FrameCodec.encode(message) == expected)
    }

    @Test func extremeIntegerAndDoubleValuesTravelExactly() throws {
        var sampling = SamplingParameters(temperature: 0, topK: Int(Int64.max), topP: Double.leastNonzeroMagnitude,
                                          minP: 1, repetitionPenalty: Double.greatestFiniteMagnitude,
                                          presencePenalty: -0.0, frequencyPenalty: -2, seed: UInt64.max)
        sampling.temperature = 1e-300
        let settings = RequestSettings(sampling: sampling, maxTokens: FrameCodec.maxSequenceValue, promptLength: 0,
                                       stopTokenIds: [Int.min, -1, Int.max], ignoreEOS: true, promptTokens: [])
        let placement = Placement(epoch: .max, modelName: "", numLayers: 1, shards: [ShardAssignment(node: "", start: 0, end: 1)])
        let message = PeerMessage.forward(ForwardMessage(request: RequestID(origin: "", sequence: .max), placement: placement,
                                                         position: FrameCodec.maxSequenceValue, activation: .tokens([Int.min, Int.max]),
                                                         settings: settings))
        let decoded = try FrameCodec.decode(frame: FrameCodec.encode(message))
        #expect(decoded == message)
        if case .forward(let f) = decoded { #expect(f.settings.sampling.presencePenalty.sign == .minus) }
    }

    @Test func f32HiddenStatesAreBitExactIncludingSpecialValues() throws {
        let values: [Float] = [0, -0.0, 1, -1, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 3.14159, -1e-30, 65504, 1e38]
        var g = FrameCodecRNG(seed: 7)
        let message = PeerMessage.forward(FrameCodecSamples.forward(&g, activation: .hidden(HiddenStates(tokens: 3, width: 4, values: values))))
        let decoded = try FrameCodec.decode(frame: FrameCodec.encode(message, hiddenDType: .f32))
        guard case .forward(let f) = decoded, case .hidden(let h) = f.activation else {
            Issue.record("not a forward with hidden states")
            return
        }
        #expect(h.values.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test(arguments: [WireDType.f16, .bf16])
    func halfPrecisionHiddenStatesStayWithinRounding(dtype: WireDType) throws {
        var g = FrameCodecRNG(seed: 11)
        // Normal-range values of both formats: relative error at most half an ulp.
        let values = (0..<512).map { i in Float.random(in: 1e-3...1e3, using: &g) * (i.isMultiple(of: 2) ? 1 : -1) }
        let message = PeerMessage.forward(FrameCodecSamples.forward(&g, activation: .hidden(HiddenStates(tokens: 8, width: 64, values: values))))
        let frame = FrameCodec.encode(message, hiddenDType: dtype)
        let f32Frame = FrameCodec.encode(message, hiddenDType: .f32)
        #expect(f32Frame.count - frame.count == 512 * 2)
        guard case .forward(let f)? = try? FrameCodec.decode(frame: frame), case .hidden(let h) = f.activation else {
            Issue.record("not a forward with hidden states")
            return
        }
        let bound: Float = dtype == .f16 ? 1.0 / 2048 : 1.0 / 256  // 2^-11 (10 mantissa bits), 2^-8 (7 bits)
        #expect(h.tokens == 8 && h.width == 64 && h.values.count == values.count)
        for (a, b) in zip(values, h.values) {
            #expect(abs(a - b) <= abs(a) * bound, "\(a) became \(b) in \(dtype)")
        }
        // Encoding the decoded values again changes nothing: they are representable.
        let again = FrameCodec.encode(.forward(ForwardMessage(request: f.request, placement: f.placement, position: f.position,
                                                              activation: .hidden(h), settings: f.settings)), hiddenDType: dtype)
        #expect(again == frame)
    }

    @Test func f16OverflowsToInfinityAndBF16KeepsTheRange() throws {
        let values: [Float] = [70000, -70000, 65504, 1e-8, 3e38]
        var g = FrameCodecRNG(seed: 12)
        let message = PeerMessage.forward(FrameCodecSamples.forward(&g, activation: .hidden(HiddenStates(tokens: 1, width: 5, values: values))))
        func decoded(_ dtype: WireDType) throws -> [Float] {
            guard case .forward(let f) = try FrameCodec.decode(frame: FrameCodec.encode(message, hiddenDType: dtype)),
                  case .hidden(let h) = f.activation else { return [] }
            return h.values
        }
        let f16 = try decoded(.f16)
        #expect(f16 == [.infinity, -.infinity, 65504, 0, .infinity])
        let bf16 = try decoded(.bf16)
        #expect(bf16.count == 5 && bf16.allSatisfy(\.isFinite))
        #expect(abs(bf16[4] - 3e38) <= 3e38 / 256)
        #expect(bf16[3] > 0)
    }

    @Test(arguments: [WireDType.f32, .f16, .bf16])
    func placeholdersEncodeTheShapeOnly(dtype: WireDType) throws {
        var g = FrameCodecRNG(seed: 13)
        let placeholder = HiddenStates(tokens: 4096, width: 16384, values: [])
        let message = PeerMessage.forward(FrameCodecSamples.forward(&g, activation: .hidden(placeholder)))
        let frame = FrameCodec.encode(message, hiddenDType: dtype)
        #expect(frame.count < 2048)
        #expect(try FrameCodec.decode(frame: frame) == message)
    }

    @Test func longFailureReasonsAreCutAtACharacterBoundary() throws {
        let reason = String(repeating: "é", count: FrameCodec.maxTextBytes)  // 2 bytes each: twice the limit
        let frame = FrameCodec.encode(.failed(RequestID(origin: "a", sequence: 1), reason))
        guard case .failed(_, let got) = try FrameCodec.decode(frame: frame) else {
            Issue.record("not a failed message")
            return
        }
        #expect(got.utf8.count == FrameCodec.maxTextBytes)
        #expect(got == String(repeating: "é", count: FrameCodec.maxTextBytes / 2))
        #expect(truncatedUTF8("a🙂", max: 3) == "a")
        #expect(truncatedUTF8("a🙂", max: 5) == "a🙂")
    }

    @Test func authenticatedFramesRoundTripAndAreLongerByTheTag() throws {
        let auth = FrameAuthenticator(passphrase: "cluster secret")
        var g = FrameCodecRNG(seed: 14)
        for kind in 0..<FrameCodecSamples.kindCount {
            let message = FrameCodecSamples.message(kind: kind, &g)
            let tagged = FrameCodec.encode(message, authenticator: auth)
            #expect(tagged.count == FrameCodec.encode(message).count + 32)
            #expect(tagged[7] == FrameHeader.authenticatedFlag)
            #expect(try FrameCodec.decode(frame: tagged, authenticator: auth) == message)
        }
    }
}

/// `frameByteCount` predicts the encoder's output length without encoding.
@Suite struct FrameCodecSizeTests {
    @Test func frameByteCountEqualsTheEncodedLength() {
        var g = FrameCodecRNG(seed: 0x512E)
        let auth = FrameAuthenticator(passphrase: "k")
        for i in 0..<600 {
            let message = FrameCodecSamples.message(kind: i % FrameCodecSamples.kindCount, &g)
            let dtype = WireDType.allCases[i % 3]
            let tagged = i % 2 == 0
            #expect(FrameCodec.frameByteCount(message, hiddenDType: dtype, authenticated: tagged)
                    == FrameCodec.encode(message, hiddenDType: dtype, authenticator: tagged ? auth : nil).count)
        }
        let long = PeerMessage.failed(RequestID(origin: "a", sequence: 1), String(repeating: "🙂", count: FrameCodec.maxTextBytes))
        #expect(FrameCodec.frameByteCount(long) == FrameCodec.encode(long).count)
    }

    @Test(arguments: [WireDType.f32, .f16, .bf16])
    func placeholdersCanCountAsTheValuesTheyStandFor(dtype: WireDType) {
        var g = FrameCodecRNG(seed: 0x512F)
        let placeholder = FrameCodecSamples.forward(&g, activation: .hidden(HiddenStates(tokens: 3, width: 5, values: [])))
        var real = placeholder
        real.activation = .hidden(HiddenStates(tokens: 3, width: 5, values: [Float](repeating: 1, count: 15)))
        #expect(FrameCodec.frameByteCount(.forward(placeholder), hiddenDType: dtype, placeholdersAsValues: true)
                == FrameCodec.encode(.forward(real), hiddenDType: dtype).count)
        #expect(FrameCodec.frameByteCount(.forward(placeholder), hiddenDType: dtype)
                == FrameCodec.encode(.forward(real), hiddenDType: dtype).count - 15 * dtype.byteSize)
    }
}
