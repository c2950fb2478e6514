import Foundation
import OmniKernels

/// Runs layers [start, end) of a Llama-family decoder on one device with real weights.
///
/// The first shard turns token ids into embeddings; the last applies the final norm and the LM
/// head. Shards in between pass hidden states ([tokens, hidden_size] f32) along. Chaining the
/// shards of a model gives the same logits as running it whole.
public final class TransformerShard: @unchecked Sendable {
    public let weights: ShardWeights
    public var config: ModelConfig { weights.config }
    let rope: RotaryEmbedding

    /// What a shard consumes.
    public enum Input {
        case tokens([Int])
        /// Hidden states, row-major [count, hidden_size].
        case hidden([Float], count: Int)
    }

    /// Which rows of logits the last shard computes.
    public enum LogitsMode: Sendable {
        case last, all
    }

    /// Sees the residual stream entering each layer (global index; `numLayers` for the final
    /// hidden state before the last norm): layer, first position, rows, width, values.
    public typealias Observer = (_ layer: Int, _ startPosition: Int, _ rows: Int, _ width: Int, _ values: UnsafeBufferPointer<Float>) -> Void

    /// What a shard produces: hidden states for the next shard, or logits on the last one.
    public struct Output {
        public var count: Int
        public var hidden: [Float]?
        /// Row-major [rows, vocab]; rows is 1 for `.last`, `count` for `.all`.
        public var logits: [Float]?
    }

    public init(weights: ShardWeights) {
        self.weights = weights
        self.rope = RotaryEmbedding(config: weights.config)
    }

    public convenience init(checkpoint: Checkpoint, layers: Range<Int>) throws {
        try self.init(weights: ShardWeights(checkpoint: checkpoint, layers: layers))
    }

    /// A KV cache for one request on this shard, holding `capacity` positions.
    public func makeCache(capacity: Int) throws -> KVCache {
        guard capacity > 0 else { throw EngineError.wrongInput("KV cache capacity must be positive") }
        guard capacity <= config.contextLimit else {
            throw EngineError.contextOverflow(needed: capacity, limit: config.contextLimit)
        }
        return KVCache(layers: weights.layers.count, capacity: capacity, kvDim: config.numKVHeads * config.headDim)
    }

    /// Runs the shard on `input` at positions [cache.length, cache.length + count) and appends
    /// to the cache.
    public func forward(_ input: Input, cache: KVCache, logits mode: LogitsMode = .last, observer: Observer? = nil) throws -> Output {
        let c = config
        let h = c.hiddenSize
        let n: Int
        var x: [Float]
        switch input {
        case .tokens(let ids):
            guard let embedding = weights.embedding else {
                throw EngineError.wrongInput("shard \(weights.layerRange) does not hold the embeddings; pass hidden states")
            }
            n = ids.count
            guard n > 0 else { throw EngineError.emptyPrompt }
            x = [Float](repeating: 0, count: n * h)
            for (row, id) in ids.enumerated() {
                guard id >= 0, id < c.vocabSize else { throw EngineError.invalidTokenId(id: id, vocabularySize: c.vocabSize) }
                x.withUnsafeMutableBufferPointer { buf in
                    Kernels.toFloat(embedding.base + id * h * embedding.dtype.byteSize, dtype: embedding.dtype,
                                    count: h, buf.baseAddress! + row * h)
                }
            }
        case .hidden(let states, let count):
            guard count > 0, states.count == count * h else {
                throw EngineError.wrongInput("hidden states hold \(states.count) floats, expected \(count) x \(h)")
            }
            n = count
            x = states
        }
        let start = cache.length
        guard start + n <= c.contextLimit else { throw EngineError.contextOverflow(needed: start + n, limit: c.contextLimit) }
        guard start + n <= cache.capacity else { throw EngineError.cacheFull(needed: start + n, capacity: cache.capacity) }

        let scratch = ForwardScratch(config: c, tokens: n, contextLength: start + n)
        let table = rope.table(positions: start..<(start + n))
        x.withUnsafeMutableBufferPointer { xb in
            table.cos.withUnsafeBufferPointer { cosB in
                table.sin.withUnsafeBufferPointer { sinB in
                    for (index, layer) in weights.layers.enumerated() {
                        observer?(weights.layerRange.lowerBound + index, start, n, h, UnsafeBufferPointer(xb))
                        runLayer(layer, index: index, x: xb.baseAddress!, tokens: n, start: start, cache: cache,
                                 scratch: scratch, cos: cosB.baseAddress!, sin: sinB.baseAddress!)
                    }
                }
            }
        }
        cache.advance(by: n)
        if weights.isLast { x.withUnsafeBufferPointer { observer?(c.numLayers, start, n, h, $0) } }

        guard weights.isLast, let finalNorm = weights.finalNorm, let lmHead = weights.lmHead else {
            return Output(count: n, hidden: x, logits: nil)
        }
        let rows = mode == .all ? n : 1
        let firstRow = n - rows
        var normed = [Float](repeating: 0, count: rows * h)
        var logits = [Float](repeating: 0, count: rows * c.vocabSize)
        x.withUnsafeBufferPointer { xb in
            finalNorm.withUnsafeBytes { wb in
                normed.withUnsafeMutableBufferPointer { nb in
                    Kernels.rmsNorm(xb.baseAddress! + firstRow * h, weight: wb.baseAddress!, weightDType: .f32,
                                    eps: c.rmsNormEps, rows: rows, dim: h, nb.baseAddress!)
                }
            }
        }
        normed.withUnsafeBufferPointer { nb in
            logits.withUnsafeMutableBufferPointer { lb in
                Self.project(lmHead, nb.baseAddress!, rows: rows, lb.baseAddress!)
            }
        }
        return Output(count: n, hidden: nil, logits: logits)
    }

    /// Y = X W^T, using the matrix-vector kernel for a single row.
    static func project(_ w: WeightMatrix, _ x: UnsafePointer<Float>, rows: Int, _ y: UnsafeMutablePointer<Float>) {
        if rows == 1 { Kernels.matvec(w, x, y) } else { Kernels.matmul(w, x, rows: rows, y) }
    }

    private func runLayer(_ layer: LayerWeights, index: Int, x: UnsafeMutablePointer<Float>, tokens n: Int, start: Int,
                          cache: KVCache, scratch s: ForwardScratch,
                          cos: UnsafePointer<Float>, sin: UnsafePointer<Float>) {
        let c = config
        let h = c.hiddenSize, d = c.headDim
        let qDim = c.numHeads * d, kvDim = c.numKVHeads * d, ff = c.intermediateSize

        // Attention block.
        layer.inputNorm.withUnsafeBytes { w in
            Kernels.rmsNorm(x, weight: w.baseAddress!, weightDType: .f32, eps: c.rmsNormEps, rows: n, dim: h, s.normed)
        }
        let keyDestination = cache.keys(layer: index) + start * kvDim
        let valueDestination = cache.values(layer: index) + start * kvDim
        if n == 1 {
            Kernels.matvecBatch([layer.q, layer.k, layer.v], s.normed, [s.q, keyDestination, valueDestination])
        } else {
            Kernels.matmul(layer.q, s.normed, rows: n, s.q)
            Kernels.matmul(layer.k, s.normed, rows: n, keyDestination)
            Kernels.matmul(layer.v, s.normed, rows: n, valueDestination)
        }
        if let b = layer.qBias { Self.addBias(b, to: s.q, rows: n) }
        if let b = layer.kBias { Self.addBias(b, to: keyDestination, rows: n) }
        if let b = layer.vBias { Self.addBias(b, to: valueDestination, rows: n) }
        if let qn = layer.qNorm, let kn = layer.kNorm {
            qn.withUnsafeBytes { w in
                Kernels.rmsNorm(s.q, weight: w.baseAddress!, weightDType: .f32, eps: c.rmsNormEps, rows: n * c.numHeads, dim: d, s.q)
            }
            kn.withUnsafeBytes { w in
                Kernels.rmsNorm(keyDestination, weight: w.baseAddress!, weightDType: .f32, eps: c.rmsNormEps,
                                rows: n * c.numKVHeads, dim: d, keyDestination)
            }
        }
        for t in 0..<n {
            RotaryEmbedding.apply(s.q + t * qDim, heads: c.numHeads, headDim: d, cos: cos + t * d / 2, sin: sin + t * d / 2)
            RotaryEmbedding.apply(keyDestination + t * kvDim, heads: c.numKVHeads, headDim: d, cos: cos + t * d / 2, sin: sin + t * d / 2)
        }
        attention(layer: index, tokens: n, start: start, cache: cache, scratch: s)
        Self.project(layer.o, s.attention, rows: n, s.projected)
        if let b = layer.oBias { Self.addBias(b, to: s.projected, rows: n) }
        Kernels.add(x, s.projected, count: n * h)

        // MLP block.
        layer.postAttentionNorm.withUnsafeBytes { w in
            Kernels.rmsNorm(x, weight: w.baseAddress!, weightDType: .f32, eps: c.rmsNormEps, rows: n, dim: h, s.normed)
        }
        if n == 1 {
            Kernels.matvecBatch([layer.gate, layer.up], s.normed, [s.gate, s.up])
        } else {
            Kernels.matmul(layer.gate, s.normed, rows: n, s.gate)
            Kernels.matmul(layer.up, s.normed, rows: n, s.up)
        }
        if let b = layer.gateBias { Self.addBias(b, to: s.gate, rows: n) }
        if let b = layer.upBias { Self.addBias(b, to: s.up, rows: n) }
        Kernels.siluMul(s.gate, s.up, count: n * ff)
        Self.project(layer.down, s.gate, rows: n, s.projected)
        if let b = layer.downBias { Self.addBias(b, to: s.projected, rows: n) }
        Kernels.add(x, s.projected, count: n * h)
    }

    /// Causal (optionally sliding-window) grouped-query attention of the n new queries against
    /// every cached position, written to `scratch.attention` [n, heads * headDim].
    private func attention(layer: Int, tokens n: Int, start: Int, cache: KVCache, scratch s: ForwardScratch) {
        let c = config
        let d = c.headDim, qDim = c.numHeads * d, kvDim = c.numKVHeads * d
        let total = start + n
        let group = c.numHeads / c.numKVHeads
        let scale = 1 / Float(d).squareRoot()
        let keys = cache.keys(layer: layer), values = cache.values(layer: layer)
        let globalLayer = weights.layerRange.lowerBound + layer
        let window = c.slidingWindowLayers[globalLayer] ? c.slidingWindow : nil
        for head in 0..<c.numHeads {
            let kvHead = head / group
            let scores = s.scores
            // scores[n, total] = scale * Q_h K_g^T
            Kernels.sgemm(transA: false, transB: true, m: n, n: total, k: d, alpha: scale,
                          a: s.q + head * d, lda: qDim, b: keys + kvHead * d, ldb: kvDim,
                          beta: 0, c: scores, ldc: total)
            for t in 0..<n {
                let position = start + t
                let low = window.map { max(0, position - $0 + 1) } ?? 0
                let row = scores + t * total
                for j in 0..<low { row[j] = 0 }
                Kernels.softmax(row + low, count: position - low + 1)
                for j in (position + 1)..<max(position + 1, total) { row[j] = 0 }
            }
            // out[n, d] = P V_g
            Kernels.sgemm(transA: false, transB: false, m: n, n: d, k: total, alpha: 1,
                          a: scores, lda: total, b: values + kvHead * d, ldb: kvDim,
                          beta: 0, c: s.attention + head * d, ldc: qDim)
        }
    }

    static func addBias(_ bias: [Float], to y: UnsafeMutablePointer<Float>, rows: Int) {
        bias.withUnsafeBufferPointer { b in
            for r in 0..<rows { Kernels.add(y + r * b.count, b.baseAddress!, count: b.count) }
        }
    }
}

/// Work buffers for one forward pass, sized for its token count.
final class ForwardScratch {
    let normed, q, attention, projected, gate, up, scores: UnsafeMutablePointer<Float>
    private let all: [UnsafeMutablePointer<Float>]

    init(config c: ModelConfig, tokens n: Int, contextLength: Int) {
        func alloc(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
            p.initialize(repeating: 0, count: max(1, count))
            return p
        }
        normed = alloc(n * c.hiddenSize)
        q = alloc(n * c.numHeads * c.headDim)
        attention = alloc(n * c.numHeads * c.headDim)
        projected = alloc(n * c.hiddenSize)
        gate = alloc(n * c.intermediateSize)
        up = alloc(n * c.intermediateSize)
        scores = alloc(n * contextLength)
        all = [normed, q, attention, projected, gate, up, scores]
    }

    deinit { all.forEach { $0.deallocate() } }
}
