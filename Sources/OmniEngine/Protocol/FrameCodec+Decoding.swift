import OmniKernels

extension FrameCodec {
    /// Decodes the payload of a frame whose header has been checked. `payload` starts at frame
    /// offset 12; every error names the field and its byte offset in the frame.
    static func decodePayload(_ type: FrameMessageType, _ payload: UnsafeRawBufferPointer) throws(FrameError) -> PeerMessage {
        var r = ByteReader(payload, frameOffset: FrameHeader.byteCount)
        let message: PeerMessage
        switch type {
        case .hello:
            let node = try r.string("hello.node", max: maxIdentifierBytes)
            let model = try r.string("hello.model", max: maxIdentifierBytes)
            let profile = try readProfile(&r)
            let countAt = r.offset
            let count = try r.count("hello.links", elementSize: 2 + 16)
            guard count <= maxShards else { throw r.malformed("hello.links", "\(count) links, at most \(maxShards)", at: countAt) }
            var links: [LinkReport] = []
            for _ in 0..<count {
                let at = r.offset
                let peer = try r.string("hello.links.peer", max: maxIdentifierBytes)
                let latency = try r.f64("hello.links.latency")
                let bandwidth = try r.f64("hello.links.bandwidth")
                guard latency.isFinite, latency >= 0, bandwidth.isFinite, bandwidth > 0 else {
                    throw r.malformed("hello.links", "latency \(latency) s and bandwidth \(bandwidth) B/s must be finite, >= 0 and > 0", at: at)
                }
                links.append(LinkReport(peer: NodeID(peer), latencySeconds: latency, bandwidthBytesPerSecond: bandwidth))
            }
            message = .hello(NodeAnnouncement(node: NodeID(node), profile: profile, model: model, links: links))
        case .heartbeat:
            message = .heartbeat
        case .forward:
            let request = try readRequest(&r, "forward.request")
            let placement = try readPlacement(&r)
            let position = try readSequenceValue(&r, "forward.position")
            let activation = try readActivation(&r)
            let settings = try readSettings(&r)
            message = .forward(ForwardMessage(request: request, placement: placement, position: position,
                                              activation: activation, settings: settings))
        case .token:
            let request = try readRequest(&r, "token.request")
            let index = try readSequenceValue(&r, "token.index")
            let token = Int(try r.i64("token.token"))
            let at = r.offset
            let finish: FinishReason?
            switch try r.u8("token.finish") {
            case 0: finish = nil
            case 1: finish = .stop
            case 2: finish = .length
            case let v: throw r.malformed("token.finish", "unknown finish reason \(v) (0 none, 1 stop, 2 length)", at: at)
            }
            var logprobs: TokenLogprobs? = nil
            let flagAt = r.offset
            switch try r.u8("token.logprobs") {
            case 0: break
            case 1:
                let logprob = try r.f64("token.logprobs.logprob")
                let countAt = r.offset
                let count = try r.count("token.logprobs.top", elementSize: 16)
                guard count <= 20 else { throw r.malformed("token.logprobs.top", "\(count) alternatives, at most 20", at: countAt) }
                var top: [TokenLogprobs.Alternative] = []
                for _ in 0..<count {
                    top.append(.init(id: Int(try r.i64("token.logprobs.top.id")), logprob: try r.f64("token.logprobs.top.logprob")))
                }
                logprobs = TokenLogprobs(logprob: logprob, top: top)
            case let v: throw r.malformed("token.logprobs", "flag \(v) is neither 0 nor 1", at: flagAt)
            }
            message = .token(TokenMessage(request: request, index: index, token: token, finish: finish, logprobs: logprobs))
        case .release:
            message = .release(try readRequest(&r, "release.request"))
        case .failed:
            let request = try readRequest(&r, "failed.request")
            message = .failed(request, try r.string("failed.reason", max: maxTextBytes))
        }
        guard r.remaining == 0 else {
            throw .trailingBytes(messageType: type.name, count: r.remaining, offset: r.offset)
        }
        return message
    }

    static func readRequest(_ r: inout ByteReader, _ field: String) throws(FrameError) -> RequestID {
        let origin = try r.string(field + ".origin", max: maxIdentifierBytes)
        let sequence = try r.u64(field + ".sequence")
        return RequestID(origin: NodeID(origin), sequence: sequence)
    }

    /// An i64 that must lie in 0...maxSequenceValue.
    static func readSequenceValue(_ r: inout ByteReader, _ field: String) throws(FrameError) -> Int {
        let at = r.offset
        let v = try r.i64(field)
        guard v >= 0, v <= Int64(maxSequenceValue) else {
            throw r.malformed(field, "must be in 0...\(maxSequenceValue), got \(v)", at: at)
        }
        return Int(v)
    }

    static func readProfile(_ r: inout ByteReader) throws(FrameError) -> DeviceProfile {
        let at = r.offset
        let id = try r.string("hello.profile.id", max: maxIdentifierBytes)
        let name = try r.string("hello.profile.name", max: maxIdentifierBytes)
        let total = Int(try r.i64("hello.profile.total_memory_bytes"))
        let available = Int(try r.i64("hello.profile.available_memory_bytes"))
        let processor = try r.string("hello.profile.processor", max: maxIdentifierBytes)
        let cores = Int(try r.i64("hello.profile.cores"))
        let flops = DeviceProfile.PeakFlops(f32: try r.f64("hello.profile.peak_flops.f32"),
                                            f16: try r.f64("hello.profile.peak_flops.f16"),
                                            bf16: try r.f64("hello.profile.peak_flops.bf16"))
        let bandwidth = try r.f64("hello.profile.memory_bandwidth_bytes_per_second")
        let computeEfficiency = try r.f64("hello.profile.compute_efficiency")
        let bandwidthEfficiency = try r.f64("hello.profile.bandwidth_efficiency")
        let overhead = try r.f64("hello.profile.step_overhead_seconds")
        let profile = DeviceProfile(id: id, name: name, totalMemoryBytes: total, availableMemoryBytes: available,
                                    processor: processor, cores: cores, peakFlops: flops,
                                    memoryBandwidthBytesPerSecond: bandwidth, computeEfficiency: computeEfficiency,
                                    bandwidthEfficiency: bandwidthEfficiency, stepOverheadSeconds: overhead)
        do {
            try profile.validate()
        } catch {
            throw r.malformed("hello.profile", error.localizedDescription, at: at)
        }
        return profile
    }

    static func readPlacement(_ r: inout ByteReader) throws(FrameError) -> Placement {
        let at = r.offset
        let epoch = try r.u64("forward.placement.epoch")
        let modelName = try r.string("forward.placement.model_name", max: maxIdentifierBytes)
        let numLayers = Int(try r.i64("forward.placement.num_layers"))
        let countAt = r.offset
        // Each shard takes at least 18 bytes (empty node string, start, end).
        let count = try r.count("forward.placement.shards", elementSize: 18)
        guard count <= maxShards else {
            throw r.malformed("forward.placement.shards", "\(count) shards exceed the limit of \(maxShards)", at: countAt)
        }
        var shards: [ShardAssignment] = []
        shards.reserveCapacity(count)
        for _ in 0..<count {
            let node = try r.string("forward.placement.shards.node", max: maxIdentifierBytes)
            let start = Int(try r.i64("forward.placement.shards.start"))
            let end = Int(try r.i64("forward.placement.shards.end"))
            shards.append(ShardAssignment(node: NodeID(node), start: start, end: end))
        }
        let placement = Placement(epoch: epoch, modelName: modelName, numLayers: numLayers, shards: shards)
        do {
            try placement.validate()
        } catch {
            throw r.malformed("forward.placement", error.localizedDescription, at: at)
        }
        return placement
    }

    static func readActivation(_ r: inout ByteReader) throws(FrameError) -> Activation {
        let kindAt = r.offset
        switch try r.u8("forward.activation.kind") {
        case 0:
            return .tokens(try readInts(&r, "forward.activation.tokens"))
        case 1:
            let tokens = try r.int("forward.activation.hidden.tokens")
            let width = try r.int("forward.activation.hidden.width")
            let encodingAt = r.offset
            let encoding = try r.u8("forward.activation.hidden.encoding")
            if encoding == 0 { return .hidden(HiddenStates(tokens: tokens, width: width, values: [])) }
            guard let dtype = WireDType(rawValue: encoding) else {
                throw r.malformed("forward.activation.hidden.encoding",
                                  "unknown element encoding \(encoding) (0 placeholder, 1 f32, 2 f16, 3 bf16)", at: encodingAt)
            }
            // Both factors are below 2^32, but their product times 4 can still overflow an Int.
            let (count, overflow1) = tokens.multipliedReportingOverflow(by: width)
            let (byteCount, overflow2) = count.multipliedReportingOverflow(by: dtype.byteSize)
            guard !overflow1, !overflow2, byteCount <= r.remaining else {
                throw r.malformed("forward.activation.hidden.values",
                                  "\(tokens) × \(width) \(dtype) values do not fit in the \(r.remaining) bytes left in the payload")
            }
            let raw = try r.raw(byteCount, "forward.activation.hidden.values")
            return .hidden(HiddenStates(tokens: tokens, width: width, values: readValues(raw, count: count, dtype: dtype)))
        case let v:
            throw r.malformed("forward.activation.kind", "unknown activation kind \(v) (0 token ids, 1 hidden states)", at: kindAt)
        }
    }

    /// Converts `count` little-endian elements to f32 (f16/bf16 widen exactly).
    static func readValues(_ raw: UnsafeRawBufferPointer, count: Int, dtype: WireDType) -> [Float] {
        guard count > 0, let src = raw.baseAddress else { return [] }
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            guard let dst = out.baseAddress else { return }
            switch dtype {
            case .f32:
                UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 4)
                #if _endian(big)
                for i in 0..<count { dst[i] = Float(bitPattern: UInt32(littleEndian: dst[i].bitPattern)) }
                #endif
            case .f16, .bf16:
                #if _endian(big)
                let swapped = (0..<count).map { UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) }
                swapped.withUnsafeBytes { Kernels.toFloat($0.baseAddress!, dtype: dtype.kernelDType, count: count, dst) }
                #else
                Kernels.toFloat(src, dtype: dtype.kernelDType, count: count, dst)
                #endif
            }
            initialized = count
        }
    }

    static func readSettings(_ r: inout ByteReader) throws(FrameError) -> RequestSettings {
        let at = r.offset
        var sampling = SamplingParameters(temperature: try r.f64("forward.settings.temperature"),
                                          topK: Int(try r.i64("forward.settings.top_k")),
                                          topP: try r.f64("forward.settings.top_p"),
                                          minP: try r.f64("forward.settings.min_p"),
                                          repetitionPenalty: try r.f64("forward.settings.repetition_penalty"),
                                          presencePenalty: try r.f64("forward.settings.presence_penalty"),
                                          frequencyPenalty: try r.f64("forward.settings.frequency_penalty"),
                                          seed: try r.u64("forward.settings.seed"))
        let top = try r.i64("forward.settings.top_logprobs")
        sampling.topLogprobs = top == -1 ? nil : Int(clamping: top)
        do {
            try sampling.validate()
        } catch {
            throw r.malformed("forward.settings.sampling", error.localizedDescription, at: at)
        }
        let maxTokens = try readSequenceValue(&r, "forward.settings.max_tokens")
        let promptLength = try readSequenceValue(&r, "forward.settings.prompt_length")
        let stops = try readInts(&r, "forward.settings.stop_token_ids")
        let ignoreEOS = try r.bool("forward.settings.ignore_eos")
        let prompt = try readInts(&r, "forward.settings.prompt_tokens")
        return RequestSettings(sampling: sampling, maxTokens: maxTokens, promptLength: promptLength,
                               stopTokenIds: stops, ignoreEOS: ignoreEOS, promptTokens: prompt)
    }

    /// A u32 count then that many i64 values; the count is checked against the bytes left first.
    static func readInts(_ r: inout ByteReader, _ field: String) throws(FrameError) -> [Int] {
        let count = try r.count(field, elementSize: 8)
        var values: [Int] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(Int(try r.i64(field))) }
        return values
    }
}
