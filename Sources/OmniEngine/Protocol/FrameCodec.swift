import OmniKernels

/// Encodes `PeerMessage`s as versioned, length-prefixed binary frames (the 12-byte
/// `FrameHeader`, then the payload, then an optional HMAC tag) and decodes single frames.
/// `FrameDecoder` decodes a byte stream.
///
/// Payload fields are fixed-width little-endian: integers of the message types as i64
/// (lossless), element counts and hidden-state shapes as u32, doubles as their IEEE 754 bits,
/// booleans as one byte (0 or 1), strings as a u16 byte length then UTF-8. Per message type:
///
/// - hello: node id, model name, device profile (id, name, total and available memory i64,
///   processor, cores i64, peak FLOPS f32/f16/bf16, bandwidth, compute and bandwidth
///   efficiency, step overhead as f64).
/// - heartbeat: empty.
/// - forward: request id (origin string, sequence u64); placement (epoch u64, model name,
///   layer count i64, u32 shard count, then node string, start i64, end i64 per shard); position
///   i64; activation (u8 kind 0 = token ids: u32 count then i64 ids; kind 1 = hidden states: u32
///   tokens, u32 width, u8 encoding 0 = placeholder (shape only, no bytes) or a `WireDType`, then
///   tokens × width raw little-endian elements); settings (temperature, top-k i64, top-p, min-p,
///   repetition, presence and frequency penalties, seed u64, max tokens i64, prompt length i64,
///   u32 count + i64 stop ids, ignore-EOS byte, u32 count + i64 prompt tokens).
/// - token: request id, index i64, token i64, finish u8 (0 none, 1 stop, 2 length).
/// - release: request id.
/// - failed: request id, reason (free text, cut to `maxTextBytes`).
///
/// Decoding also checks what the node relies on: placements, device profiles and sampling
/// parameters must pass their own `validate()`, and positions, indices and lengths must lie in
/// `0...maxSequenceValue`, so that no received value can trap an addition or a range.
public enum FrameCodec {
    /// Longest node id, model name or device id, in UTF-8 bytes. Longer ones are a configuration
    /// error: check them at startup (`encode` traps on them).
    public static let maxIdentifierBytes = 1024
    /// Longest free text (failure reasons, device names); longer text is cut when encoding.
    public static let maxTextBytes = 16 * 1024
    /// Most shards a placement may list.
    public static let maxShards = 1024
    /// Largest position, token index, prompt length or max-tokens value accepted (2^40).
    public static let maxSequenceValue = 1 << 40
    /// Default largest frame a decoder accepts (256 MiB).
    public static let defaultMaxFrameBytes = 256 << 20

    /// One frame holding `message`, hidden states converted to `hiddenDType` (lossy for f16 and
    /// bf16, see `WireDType`), with an HMAC-SHA256 tag when `authenticator` is given.
    ///
    /// Traps on programmer errors only: identifiers longer than `maxIdentifierBytes`, hidden
    /// states whose values are neither empty nor tokens × width, or a payload over 4 GiB.
    public static func encode(_ message: PeerMessage, hiddenDType: WireDType = .f32,
                              authenticator: FrameAuthenticator? = nil) -> [UInt8] {
        var w = ByteWriter(capacity: FrameHeader.byteCount + estimatedPayloadBytes(message, hiddenDType) + HMACSHA256.tagByteCount)
        let flags: UInt8 = authenticator == nil ? 0 : FrameHeader.authenticatedFlag
        w.bytes(FrameHeader(type: type(of: message), flags: flags, payloadLength: 0).bytes)
        writePayload(message, hiddenDType: hiddenDType, into: &w)
        let payloadLength = w.count - FrameHeader.byteCount
        precondition(payloadLength <= Int(UInt32.max), "\(message.kind) payload of \(payloadLength) bytes does not fit a frame")
        w.patchU32(UInt32(payloadLength), at: 8)
        var frame = w.buffer
        if let authenticator { frame.append(contentsOf: authenticator.tag(frame)) }
        return frame
    }

    /// Decodes exactly one complete frame (no bytes before or after it).
    public static func decode(frame: [UInt8], authenticator: FrameAuthenticator? = nil,
                              maxFrameBytes: Int = defaultMaxFrameBytes) throws(FrameError) -> PeerMessage {
        var decoder = FrameDecoder(maxFrameBytes: maxFrameBytes, authenticator: authenticator)
        decoder.append(frame)
        guard let message = try decoder.next() else {
            throw .malformed(field: "frame", offset: frame.count, reason: "truncated: the frame ends after \(frame.count) bytes")
        }
        if decoder.bufferedByteCount > 0 {
            throw .trailingBytes(messageType: "frame", count: decoder.bufferedByteCount, offset: frame.count - decoder.bufferedByteCount)
        }
        return message
    }

    /// The message type byte for `message`.
    public static func type(of message: PeerMessage) -> FrameMessageType {
        switch message {
        case .hello: .hello
        case .heartbeat: .heartbeat
        case .forward: .forward
        case .token: .token
        case .release: .release
        case .failed: .failed
        }
    }

    // MARK: Payload encoding

    static func estimatedPayloadBytes(_ message: PeerMessage, _ dtype: WireDType) -> Int {
        guard case .forward(let f) = message else { return 256 }
        var n = 512 + 32 * f.placement.shards.count + 8 * (f.settings.promptTokens.count + f.settings.stopTokenIds.count)
        switch f.activation {
        case .tokens(let t): n += 8 * t.count
        case .hidden(let h): n += h.values.count * dtype.byteSize
        }
        return n
    }

    static func writePayload(_ message: PeerMessage, hiddenDType: WireDType, into w: inout ByteWriter) {
        switch message {
        case .hello(let a):
            w.string(a.node.rawValue, max: maxIdentifierBytes, field: "hello.node")
            w.string(a.model, max: maxIdentifierBytes, field: "hello.model")
            write(a.profile, into: &w)
            w.u32(a.links.count, field: "hello.links")
            for link in a.links {
                w.string(link.peer.rawValue, max: maxIdentifierBytes, field: "hello.links.peer")
                w.f64(link.latencySeconds)
                w.f64(link.bandwidthBytesPerSecond)
            }
        case .heartbeat:
            break
        case .forward(let f):
            write(f.request, into: &w)
            write(f.placement, into: &w)
            w.i64(Int64(f.position))
            write(f.activation, hiddenDType: hiddenDType, into: &w)
            write(f.settings, into: &w)
        case .token(let t):
            write(t.request, into: &w)
            w.i64(Int64(t.index))
            w.i64(Int64(t.token))
            w.u8(finishCode(t.finish))
            if let lp = t.logprobs {
                w.u8(1)
                w.f64(lp.logprob)
                w.u32(lp.top.count, field: "token.logprobs.top")
                for alt in lp.top {
                    w.i64(Int64(alt.id))
                    w.f64(alt.logprob)
                }
            } else {
                w.u8(0)
            }
        case .release(let request):
            write(request, into: &w)
        case .failed(let request, let reason):
            write(request, into: &w)
            w.string(truncatedUTF8(reason, max: maxTextBytes), max: maxTextBytes, field: "failed.reason")
        }
    }

    static func write(_ r: RequestID, into w: inout ByteWriter) {
        w.string(r.origin.rawValue, max: maxIdentifierBytes, field: "request.origin")
        w.u64(r.sequence)
    }

    static func write(_ p: DeviceProfile, into w: inout ByteWriter) {
        w.string(p.id, max: maxIdentifierBytes, field: "hello.profile.id")
        w.string(truncatedUTF8(p.name, max: maxIdentifierBytes), max: maxIdentifierBytes, field: "hello.profile.name")
        w.i64(Int64(p.totalMemoryBytes))
        w.i64(Int64(p.availableMemoryBytes))
        w.string(truncatedUTF8(p.processor, max: maxIdentifierBytes), max: maxIdentifierBytes, field: "hello.profile.processor")
        w.i64(Int64(p.cores))
        w.f64(p.peakFlops.f32)
        w.f64(p.peakFlops.f16)
        w.f64(p.peakFlops.bf16)
        w.f64(p.memoryBandwidthBytesPerSecond)
        w.f64(p.computeEfficiency)
        w.f64(p.bandwidthEfficiency)
        w.f64(p.stepOverheadSeconds)
    }

    static func write(_ p: Placement, into w: inout ByteWriter) {
        w.u64(p.epoch)
        w.string(p.modelName, max: maxIdentifierBytes, field: "forward.placement.model_name")
        w.i64(Int64(p.numLayers))
        w.u32(p.shards.count, field: "forward.placement.shards")
        for s in p.shards {
            w.string(s.node.rawValue, max: maxIdentifierBytes, field: "forward.placement.shards.node")
            w.i64(Int64(s.start))
            w.i64(Int64(s.end))
        }
    }

    static func write(_ a: Activation, hiddenDType: WireDType, into w: inout ByteWriter) {
        switch a {
        case .tokens(let ids):
            w.u8(0)
            writeInts(ids, field: "forward.activation.tokens", into: &w)
        case .hidden(let h):
            w.u8(1)
            w.u32(h.tokens, field: "forward.activation.hidden.tokens")
            w.u32(h.width, field: "forward.activation.hidden.width")
            if h.isPlaceholder {
                w.u8(0)
                return
            }
            precondition(h.values.count == h.tokens * h.width,
                         "hidden states hold \(h.values.count) values, shape \(h.tokens) × \(h.width) needs \(h.tokens * h.width)")
            w.u8(hiddenDType.rawValue)
            writeValues(h.values, as: hiddenDType, into: &w)
        }
    }

    static func writeValues(_ values: [Float], as dtype: WireDType, into w: inout ByteWriter) {
        w.raw(count: values.count * dtype.byteSize) { out in
            values.withUnsafeBufferPointer { src in
                guard let srcBase = src.baseAddress, let dst = out.baseAddress else { return }
                switch dtype {
                case .f32:
                    #if _endian(little)
                    dst.copyMemory(from: srcBase, byteCount: values.count * 4)
                    #else
                    for (i, v) in src.enumerated() { out.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
                    #endif
                case .f16, .bf16:
                    Kernels.fromFloat(srcBase, count: values.count, dtype: dtype.kernelDType, dst)
                    #if _endian(big)
                    let halves = dst.assumingMemoryBound(to: UInt16.self)
                    for i in 0..<values.count { halves[i] = halves[i].littleEndian }
                    #endif
                }
            }
        }
    }

    static func write(_ s: RequestSettings, into w: inout ByteWriter) {
        let p = s.sampling
        w.f64(p.temperature)
        w.i64(Int64(p.topK))
        w.f64(p.topP)
        w.f64(p.minP)
        w.f64(p.repetitionPenalty)
        w.f64(p.presencePenalty)
        w.f64(p.frequencyPenalty)
        w.u64(p.seed)
        w.i64(Int64(p.topLogprobs ?? -1))
        w.i64(Int64(s.maxTokens))
        w.i64(Int64(s.promptLength))
        writeInts(s.stopTokenIds, field: "forward.settings.stop_token_ids", into: &w)
        w.bool(s.ignoreEOS)
        writeInts(s.promptTokens, field: "forward.settings.prompt_tokens", into: &w)
    }

    static func writeInts(_ values: [Int], field: StaticString, into w: inout ByteWriter) {
        w.u32(values.count, field: field)
        for v in values { w.i64(Int64(v)) }
    }

    static func finishCode(_ f: FinishReason?) -> UInt8 {
        switch f {
        case nil: 0
        case .stop: 1
        case .length: 2
        }
    }
}
