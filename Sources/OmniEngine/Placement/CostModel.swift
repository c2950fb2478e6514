import Foundation

/// The one cost model of OMNI: how many bytes, FLOPs and seconds a shard of a Llama-family model
/// costs on a device, and what a placement's time per token is. Placement strategies and OmniSim
/// both use it, so a predicted and a simulated time agree by construction.
///
/// Conventions (per sequence, `dtypeBytes` = bytes per weight element):
/// - Stored weights of layers `r` on a shard: `parameterCount(r, embeddings: isFirst,
///   head: isLast) * dtypeBytes`; tied embeddings count once when the first and last shard are
///   the same node, twice (one copy each) otherwise.
/// - KV cache: `2 * numKVHeads * headDim * kvBytesPerElement` bytes per token per layer, for the
///   full `maxContext` (the engine allocates caches at full capacity, sliding windows included).
/// - FLOPs per token: 2 per parameter the token multiplies (layers, and the final norm and
///   lm_head on the last shard; the embedding lookup is free) plus attention,
///   `4 * numHeads * headDim` per attended position per layer (QKᵀ and AV), where a sliding-window
///   layer attends to at most `slidingWindow` positions.
/// - Bytes read per step: the shard's weights that are multiplied (not the embedding table,
///   only looked up) once per step, plus the KV-cache span the step's last token attends to.
/// - Step time: `max(flops / (peak * computeEfficiency), bytes / (bandwidth * bandwidthEfficiency)) + stepOverhead`.
/// - Hop: `latency + bytes / bandwidth`; activations cross a boundary as `hiddenSize *
///   activationBytes` per token, a sampled token as `tokenBytes`.
public struct CostModel: Sendable, Equatable, Codable {
    /// Bytes per activation element on the wire: 4 (f32) or 2 (f16/bf16).
    public var activationBytes: Int
    /// Bytes per KV-cache element (the engine stores f32: 4).
    public var kvBytesPerElement: Int
    /// Bytes of a sampled token sent from the last shard back to the first.
    public var tokenBytes: Int
    /// The dtype whose peak FLOPS apply; nil: f32 for 4-byte weights, bf16 otherwise.
    public var computeDType: ComputeDType?

    public init(activationBytes: Int = 4, kvBytesPerElement: Int = 4, tokenBytes: Int = 4, computeDType: ComputeDType? = nil) {
        self.activationBytes = activationBytes
        self.kvBytesPerElement = kvBytesPerElement
        self.tokenBytes = tokenBytes
        self.computeDType = computeDType
    }

    enum CodingKeys: String, CodingKey {
        case activationBytes = "activation_bytes"
        case kvBytesPerElement = "kv_bytes_per_element"
        case tokenBytes = "token_bytes"
        case computeDType = "compute_dtype"
    }

    /// Throws `PlacementError.invalidRequest` for non-positive sizes.
    public func validate() throws {
        for (field, value) in [("activation_bytes", activationBytes), ("kv_bytes_per_element", kvBytesPerElement), ("token_bytes", tokenBytes)] {
            guard value > 0 else { throw PlacementError.invalidRequest(field: "cost model \(field)", reason: "must be positive, got \(value)") }
        }
    }

    /// The dtype whose peak FLOPS a device achieves for weights of `dtypeBytes`.
    public func dtype(forWeightBytes dtypeBytes: Int) -> ComputeDType {
        computeDType ?? (dtypeBytes >= 4 ? .f32 : .bf16)
    }

    // MARK: Bytes

    /// Stored weight bytes of `layers`, plus the embedding table on the first shard and the final
    /// norm and lm_head on the last (tied embeddings once if both are on this shard).
    public func weightBytes(_ model: ModelConfig, dtypeBytes: Int, layers: Range<Int>, isFirst: Bool, isLast: Bool) -> Int {
        model.parameterCount(layers: layers, embeddings: isFirst, head: isLast) * dtypeBytes
    }

    /// Stored weight bytes of the whole model on one node.
    public func modelWeightBytes(_ model: ModelConfig, dtypeBytes: Int) -> Int {
        weightBytes(model, dtypeBytes: dtypeBytes, layers: 0..<model.numLayers, isFirst: true, isLast: true)
    }

    /// KV-cache bytes per token per layer: keys and values of every KV head.
    public func kvBytesPerTokenPerLayer(_ model: ModelConfig) -> Int {
        model.kvValuesPerTokenPerLayer * kvBytesPerElement
    }

    /// KV-cache bytes for `layers` holding `contextTokens` positions for each of `concurrency` sequences.
    public func kvCacheBytes(_ model: ModelConfig, layers: Range<Int>, contextTokens: Int, concurrency: Int) -> Int {
        kvBytesPerTokenPerLayer(model) * layers.count * contextTokens * concurrency
    }

    /// Memory a node needs for its shard: stored weights plus KV caches for `maxContext` tokens
    /// and `concurrency` sequences.
    public func memoryNeeded(_ model: ModelConfig, dtypeBytes: Int, layers: Range<Int>, isFirst: Bool, isLast: Bool,
                             maxContext: Int, concurrency: Int) -> Int {
        weightBytes(model, dtypeBytes: dtypeBytes, layers: layers, isFirst: isFirst, isLast: isLast)
            + kvCacheBytes(model, layers: layers, contextTokens: maxContext, concurrency: concurrency)
    }

    /// Memory the whole model needs on one node (the least the cluster as a whole must offer).
    public func modelMemoryNeeded(_ model: ModelConfig, dtypeBytes: Int, maxContext: Int, concurrency: Int) -> Int {
        memoryNeeded(model, dtypeBytes: dtypeBytes, layers: 0..<model.numLayers, isFirst: true, isLast: true,
                     maxContext: maxContext, concurrency: concurrency)
    }

    /// Bytes crossing a shard boundary per token: the hidden state.
    public func activationBytesPerToken(_ model: ModelConfig) -> Int { model.hiddenSize * activationBytes }

    /// Weight bytes read in one forward step of `tokens` tokens: every multiplied weight once
    /// (not the embedding table). In a mixture-of-experts layer only the experts the step's
    /// tokens are routed to are read: for N tokens with k of E experts each, E·(1 − (1 − k/E)^N)
    /// distinct experts on average.
    public func weightBytesRead(_ model: ModelConfig, dtypeBytes: Int, layers: Range<Int>, isLast: Bool, tokens: Int = 1) -> Int {
        model.parameterCount(layers: layers, embeddings: false, head: isLast,
                             activeExperts: Self.expertsRead(model, tokens: tokens)) * dtypeBytes
    }

    /// Expected distinct routed experts per MoE layer for a step of `tokens` tokens (nil for dense models).
    static func expertsRead(_ model: ModelConfig, tokens: Int) -> Double? {
        guard let moe = model.moe else { return nil }
        let e = Double(moe.routedExperts), k = Double(moe.expertsPerToken)
        return e * (1 - pow(1 - k / e, Double(max(1, tokens))))
    }

    // MARK: FLOPs

    /// Sum over `layers` of positions attended by tokens at positions `first...last` (1-based).
    func attendedPositions(_ model: ModelConfig, layers: Range<Int>, positions: ClosedRange<Int>) -> Double {
        let full = Double(positions.lowerBound + positions.upperBound) * Double(positions.count) / 2
        guard model.slidingWindow != nil else { return full * Double(layers.count) }
        var total = 0.0
        var sliding = 0
        for layer in layers {
            if model.slidingWindow != nil, layer < model.slidingWindowLayers.count, model.slidingWindowLayers[layer] {
                sliding += 1
            } else {
                total += full
            }
        }
        if sliding > 0, let window = model.slidingWindow {
            // Positions up to the window attend to themselves; later ones to the window.
            let lo = positions.lowerBound, hi = positions.upperBound
            let growingEnd = min(hi, window)
            var perLayer = 0.0
            if lo <= growingEnd { perLayer += Double(lo + growingEnd) * Double(growingEnd - lo + 1) / 2 }
            let cappedStart = max(lo, window + 1)
            if cappedStart <= hi { perLayer += Double(window) * Double(hi - cappedStart + 1) }
            total += perLayer * Double(sliding)
        }
        return total
    }

    /// FLOPs of attention scores and weighted values per attended position per layer.
    public func attentionFlopsPerPosition(_ model: ModelConfig) -> Double {
        2 * Double(model.attentionWidthPerPosition)
    }

    /// FLOPs to push `tokens` tokens through `layers` (and the head if `isLast`), after
    /// `priorTokens` tokens already in the cache.
    public func flops(_ model: ModelConfig, layers: Range<Int>, isLast: Bool, tokens: Int, priorTokens: Int = 0) -> Double {
        guard tokens > 0 else { return 0 }
        // Each token multiplies by the experts it is routed to (k of them), not by every expert.
        let active = model.parameterCount(layers: layers, embeddings: false, head: isLast,
                                          activeExperts: model.moe.map { Double($0.expertsPerToken) })
        let matmul = 2 * Double(active) * Double(tokens)
        let attended = attendedPositions(model, layers: layers, positions: (priorTokens + 1)...(priorTokens + tokens))
        return matmul + attentionFlopsPerPosition(model) * attended
    }

    /// FLOPs for one token at 1-based position `contextLength` (attending to `contextLength` positions).
    public func flopsPerToken(_ model: ModelConfig, layers: Range<Int>, isLast: Bool, contextLength: Int) -> Double {
        flops(model, layers: layers, isLast: isLast, tokens: 1, priorTokens: max(0, contextLength - 1))
    }

    // MARK: Time

    /// `max(flops / achieved FLOPS, bytes / achieved bandwidth) + overhead`.
    public func stepTime(device: DeviceProfile, flops: Double, bytes: Double, dtypeBytes: Int) -> Double {
        let compute = flops / device.effectiveFlops(dtype(forWeightBytes: dtypeBytes))
        let memory = bytes / device.effectiveBandwidth
        return max(compute, memory) + device.stepOverheadSeconds
    }

    /// One step processing `tokens` tokens after `priorTokens` (prefill: weights read once, FLOPs
    /// for every token; decode is `tokens == 1`).
    public func stepTime(_ model: ModelConfig, dtypeBytes: Int, device: DeviceProfile, layers: Range<Int>, isLast: Bool,
                         tokens: Int, priorTokens: Int) -> Double {
        let f = flops(model, layers: layers, isLast: isLast, tokens: tokens, priorTokens: priorTokens)
        // The cache is read once per step: the span the step's last token attends to.
        let lastPosition = priorTokens + max(1, tokens)
        let kvBytes = Double(kvBytesPerTokenPerLayer(model))
            * attendedPositions(model, layers: layers, positions: lastPosition...lastPosition)
        let bytes = Double(weightBytesRead(model, dtypeBytes: dtypeBytes, layers: layers, isLast: isLast, tokens: tokens)) + kvBytes
        return stepTime(device: device, flops: f, bytes: bytes, dtypeBytes: dtypeBytes)
    }

    /// Prefill of `tokens` prompt tokens from an empty cache.
    public func prefillTime(_ model: ModelConfig, dtypeBytes: Int, device: DeviceProfile, layers: Range<Int>, isLast: Bool, tokens: Int) -> Double {
        stepTime(model, dtypeBytes: dtypeBytes, device: device, layers: layers, isLast: isLast, tokens: tokens, priorTokens: 0)
    }

    /// Decode of one token at 1-based position `contextLength`.
    public func decodeTime(_ model: ModelConfig, dtypeBytes: Int, device: DeviceProfile, layers: Range<Int>, isLast: Bool, contextLength: Int) -> Double {
        stepTime(model, dtypeBytes: dtypeBytes, device: device, layers: layers, isLast: isLast, tokens: 1, priorTokens: max(0, contextLength - 1))
    }

    /// `latency + bytes / bandwidth`; zero between a node and itself (`link == nil`).
    public func transferTime(link: LinkProfile?, bytes: Int) -> Double {
        link?.transferTime(bytes: bytes) ?? 0
    }

    /// Predicted seconds per output token: each shard's decode step at `contextLength`, each hop's
    /// activation transfer, and the sampled token's hop from the last shard back to the first.
    /// Throws if the placement is invalid or names a node the topology lacks.
    public func timePerOutputToken(_ placement: Placement, model: ModelConfig, dtypeBytes: Int, topology: Topology, contextLength: Int) throws -> Double {
        try placement.validate()
        guard placement.numLayers == model.numLayers else {
            throw PlacementError.invalidPlacement(reason: "placement has \(placement.numLayers) layers, the model \(model.numLayers)")
        }
        var total = 0.0
        for (i, shard) in placement.shards.enumerated() {
            guard let device = topology.profile(of: shard.node) else {
                throw PlacementError.invalidPlacement(reason: "node \(shard.node) is not in the topology")
            }
            let isLast = i == placement.shards.count - 1
            total += decodeTime(model, dtypeBytes: dtypeBytes, device: device, layers: shard.layers, isLast: isLast, contextLength: contextLength)
            let next = isLast ? placement.shards[0].node : placement.shards[i + 1].node
            let bytes = isLast ? tokenBytes : activationBytesPerToken(model)
            total += transferTime(link: topology.link(between: shard.node, and: next), bytes: bytes)
        }
        return total
    }
}
