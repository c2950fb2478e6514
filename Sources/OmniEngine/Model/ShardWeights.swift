import Foundation
import OmniKernels

/// The weights of one decoder layer, as views into the memory-mapped checkpoint.
/// Matrices keep their checkpoint dtype; small vectors (norms, biases) are converted to f32.
public struct LayerWeights: @unchecked Sendable {
    public var q, k, v, o: WeightMatrix
    public var qBias, kBias, vBias, oBias: [Float]?
    public var qNorm, kNorm: [Float]?
    public var gate, up, down: WeightMatrix
    public var gateBias, upBias, downBias: [Float]?
    public var inputNorm: [Float]
    public var postAttentionNorm: [Float]

    /// Bytes of weights streamed per token through this layer.
    public var matrixBytes: Int {
        [q, k, v, o, gate, up, down].reduce(0) { $0 + $1.rows * $1.cols * $1.dtype.byteSize }
    }
}

/// The tensors one shard needs: its layers [start, end), plus the embedding table on the first
/// shard and the final norm and LM head on the last (the embedding again when tied).
public struct ShardWeights: @unchecked Sendable {
    public let config: ModelConfig
    public let layerRange: Range<Int>
    public let layers: [LayerWeights]
    public let embedding: WeightMatrix?
    public let finalNorm: [Float]?
    public let lmHead: WeightMatrix?
    /// Keeps the mapped files alive for as long as the views are used.
    let checkpoint: Checkpoint

    public var isFirst: Bool { layerRange.lowerBound == 0 }
    public var isLast: Bool { layerRange.upperBound == config.numLayers }

    /// Bytes of weight data this shard references (what it streams per decoded token, plus the
    /// embedding table which is only gathered from).
    public var weightBytes: Int {
        var total = layers.reduce(0) { $0 + $1.matrixBytes }
        if let lmHead { total += lmHead.rows * lmHead.cols * lmHead.dtype.byteSize }
        if let embedding, !(config.tieWordEmbeddings && lmHead != nil) {
            total += embedding.rows * embedding.cols * embedding.dtype.byteSize
        }
        return total
    }

    public init(checkpoint: Checkpoint, layers range: Range<Int>) throws {
        let c = checkpoint.config
        guard c.supportsRealExecution else {
            throw CheckpointError.unsupportedArchitecture(
                file: checkpoint.directory.appendingPathComponent("config.json").path,
                name: "\(c.architecture) for real execution (mixture-of-experts, latent attention or yarn RoPE; it can be simulated with omni-sim)",
                supported: ["LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM"])
        }
        guard range.lowerBound >= 0, range.upperBound <= c.numLayers, !range.isEmpty else {
            throw CheckpointError.invalidShard(reason: "layers \(range.lowerBound)..<\(range.upperBound) are not within 0..<\(c.numLayers)")
        }
        self.config = c
        self.layerRange = range
        self.checkpoint = checkpoint
        let loader = TensorLoader(checkpoint: checkpoint)
        let h = c.hiddenSize, qDim = c.numHeads * c.headDim, kvDim = c.numKVHeads * c.headDim, ff = c.intermediateSize
        var layers: [LayerWeights] = []
        for i in range {
            let p = "model.layers.\(i)."
            layers.append(LayerWeights(
                q: try loader.matrix(p + "self_attn.q_proj.weight", rows: qDim, cols: h),
                k: try loader.matrix(p + "self_attn.k_proj.weight", rows: kvDim, cols: h),
                v: try loader.matrix(p + "self_attn.v_proj.weight", rows: kvDim, cols: h),
                o: try loader.matrix(p + "self_attn.o_proj.weight", rows: h, cols: qDim),
                qBias: c.qkvBias ? try loader.vector(p + "self_attn.q_proj.bias", count: qDim) : nil,
                kBias: c.qkvBias ? try loader.vector(p + "self_attn.k_proj.bias", count: kvDim) : nil,
                vBias: c.qkvBias ? try loader.vector(p + "self_attn.v_proj.bias", count: kvDim) : nil,
                oBias: c.oBias ? try loader.vector(p + "self_attn.o_proj.bias", count: h) : nil,
                qNorm: c.qkNorm ? try loader.vector(p + "self_attn.q_norm.weight", count: c.headDim) : nil,
                kNorm: c.qkNorm ? try loader.vector(p + "self_attn.k_norm.weight", count: c.headDim) : nil,
                gate: try loader.matrix(p + "mlp.gate_proj.weight", rows: ff, cols: h),
                up: try loader.matrix(p + "mlp.up_proj.weight", rows: ff, cols: h),
                down: try loader.matrix(p + "mlp.down_proj.weight", rows: h, cols: ff),
                gateBias: c.mlpBias ? try loader.vector(p + "mlp.gate_proj.bias", count: ff) : nil,
                upBias: c.mlpBias ? try loader.vector(p + "mlp.up_proj.bias", count: ff) : nil,
                downBias: c.mlpBias ? try loader.vector(p + "mlp.down_proj.bias", count: h) : nil,
                inputNorm: try loader.vector(p + "input_layernorm.weight", count: h),
                postAttentionNorm: try loader.vector(p + "post_attention_layernorm.weight", count: h)))
        }
        self.layers = layers
        let isFirst = range.lowerBound == 0, isLast = range.upperBound == c.numLayers
        let needsEmbedding = isFirst || (isLast && c.tieWordEmbeddings && !checkpoint.contains("lm_head.weight"))
        let embedding = needsEmbedding ? try loader.matrix("model.embed_tokens.weight", rows: c.vocabSize, cols: h) : nil
        self.embedding = isFirst ? embedding : nil
        if isLast {
            finalNorm = try loader.vector("model.norm.weight", count: h)
            if checkpoint.contains("lm_head.weight") {
                lmHead = try loader.matrix("lm_head.weight", rows: c.vocabSize, cols: h)
            } else if c.tieWordEmbeddings, let embedding {
                lmHead = embedding
            } else {
                throw CheckpointError.tensorMissing(name: "lm_head.weight", searched: checkpoint.directory.path + " (tie_word_embeddings is false)")
            }
        } else {
            finalNorm = nil
            lmHead = nil
        }
    }
}

/// Turns checkpoint tensors into kernel views with shape checks.
struct TensorLoader {
    let checkpoint: Checkpoint

    func matrix(_ name: String, rows: Int, cols: Int) throws -> WeightMatrix {
        let (file, info) = try checkpoint.tensor(name, shape: [rows, cols])
        guard let dtype = info.dtype else {
            throw CheckpointError.unsupportedDType(name: name, file: file.path, dtype: info.storedDType)
        }
        return WeightMatrix(rows: rows, cols: cols, dtype: dtype, base: file.pointer(at: info.offset))
    }

    func vector(_ name: String, count: Int) throws -> [Float] {
        let (file, info) = try checkpoint.tensor(name, shape: [count])
        guard let dtype = info.dtype else {
            throw CheckpointError.unsupportedDType(name: name, file: file.path, dtype: info.storedDType)
        }
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { Kernels.toFloat(file.pointer(at: info.offset), dtype: dtype, count: count, $0.baseAddress!) }
        return out
    }
}
