import Foundation

/// The architecture-relevant fields of a Hugging Face `config.json`, for every Llama-family model
/// OMNI runs (Llama 2/3.x, Mistral, Qwen2, Qwen3, DeepSeek-R1 distills).
///
/// One implementation covers them all: the differences are flags (`attentionBias`, `qkNorm`,
/// `slidingWindow`, tied embeddings) and the RoPE variant.
public struct ModelConfig: Sendable, Equatable, Codable {
    /// Architecture families with distinct config conventions.
    public enum Family: String, Sendable, Codable, CaseIterable {
        case llama, mistral, qwen2, qwen3
        /// DeepSeek-V3/R1 (MoE + multi-head latent attention): simulated from its shapes, not
        /// executed by the real engine.
        case deepseekV3 = "deepseek_v3"
    }

    public var family: Family
    public var architecture: String
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numLayers: Int
    public var numHeads: Int
    public var numKVHeads: Int
    public var headDim: Int
    public var rmsNormEps: Float
    public var ropeTheta: Double
    public var ropeScaling: RopeScaling?
    public var maxPositionEmbeddings: Int
    public var tieWordEmbeddings: Bool
    /// Bias on q, k, v projections (Qwen2 always; Llama via `attention_bias`, which also biases o_proj).
    public var qkvBias: Bool
    /// Bias on o_proj (Llama `attention_bias`).
    public var oBias: Bool
    public var mlpBias: Bool
    /// RMSNorm on each head's query and key (Qwen3).
    public var qkNorm: Bool
    /// Sliding-window attention width in tokens (Mistral), nil for full attention.
    public var slidingWindow: Int?
    /// For each layer, whether it uses `slidingWindow` (false everywhere for full attention).
    public var slidingWindowLayers: [Bool]
    /// The dtype the checkpoint declares (`torch_dtype` / `dtype`), informational.
    public var torchDType: String?
    public var bosTokenId: Int?
    public var eosTokenIds: [Int]
    /// Mixture-of-experts MLP (DeepSeek-V3), nil for dense models.
    public var moe: MixtureOfExperts? = nil
    /// Multi-head latent attention (DeepSeek-V3), nil for standard GQA attention.
    public var latentAttention: LatentAttention? = nil

    /// Whether OMNI's real engine can run this model; others are simulated from their shapes.
    public var supportsRealExecution: Bool {
        moe == nil && latentAttention == nil && ropeScaling?.kind != .yarn
    }

    /// Values cached per token per layer (keys and values; the compressed latent for MLA).
    public var kvValuesPerTokenPerLayer: Int {
        if let mla = latentAttention { return mla.kvLoraRank + mla.qkRopeHeadDim }
        return 2 * numKVHeads * headDim
    }

    /// Multiply-adds per attended position per layer for scores and weighted values.
    public var attentionWidthPerPosition: Int {
        if let mla = latentAttention { return numHeads * (mla.qkNopeHeadDim + mla.qkRopeHeadDim + mla.vHeadDim) }
        return 2 * numHeads * headDim
    }

    /// Largest sequence the model may process. Dynamic NTK scaling exists to run past
    /// `max_position_embeddings` and transformers sets no bound on it; OMNI allows 8x.
    public var contextLimit: Int {
        if let scaling = ropeScaling, scaling.kind == .dynamic {
            return maxPositionEmbeddings * 8
        }
        return maxPositionEmbeddings
    }

    /// Parameters in layers [start, end) plus, where asked, embeddings and head. With
    /// `activeExperts` a MoE layer counts only that many routed experts (what one token uses);
    /// nil counts every stored expert.
    public func parameterCount(layers: Range<Int>, embeddings: Bool, head: Bool, activeExperts: Double? = nil) -> Int {
        var attention: Int
        if let mla = latentAttention {
            let qHead = mla.qkNopeHeadDim + mla.qkRopeHeadDim
            if let qRank = mla.qLoraRank {
                attention = hiddenSize * qRank + qRank + qRank * numHeads * qHead
            } else {
                attention = hiddenSize * numHeads * qHead
            }
            attention += hiddenSize * (mla.kvLoraRank + mla.qkRopeHeadDim) + mla.kvLoraRank
                + mla.kvLoraRank * numHeads * (mla.qkNopeHeadDim + mla.vHeadDim) + numHeads * mla.vHeadDim * hiddenSize
        } else {
            attention = hiddenSize * numHeads * headDim + 2 * hiddenSize * numKVHeads * headDim + numHeads * headDim * hiddenSize
            if qkvBias { attention += (numHeads + 2 * numKVHeads) * headDim }
            if oBias { attention += hiddenSize }
            if qkNorm { attention += 2 * headDim }
        }
        var denseMLP = 3 * hiddenSize * intermediateSize
        if mlpBias { denseMLP += 2 * intermediateSize + hiddenSize }
        var total = 0
        for layer in layers {
            total += attention + 2 * hiddenSize
            if let moe, layer >= moe.firstDenseLayers {
                let expert = 3 * hiddenSize * moe.expertIntermediateSize
                let routed = activeExperts.map { Int((Double(expert) * $0).rounded()) } ?? expert * moe.routedExperts
                total += hiddenSize * moe.routedExperts + routed + expert * moe.sharedExperts
            } else {
                total += denseMLP
            }
        }
        if embeddings { total += vocabSize * hiddenSize }
        if head {
            total += hiddenSize
            if !tieWordEmbeddings || !embeddings { total += vocabSize * hiddenSize }
        }
        return total
    }
}

/// RoPE frequency scaling from `rope_scaling` in config.json.
public struct RopeScaling: Sendable, Equatable, Codable {
    /// The scaling variants OMNI implements.
    public enum Kind: String, Sendable, Codable {
        /// `yarn` is accepted for simulation (the cost does not depend on it) but not executed.
        case llama3, linear, dynamic, yarn, `default`
    }
    public var kind: Kind
    public var factor: Double
    public var lowFreqFactor: Double
    public var highFreqFactor: Double
    public var originalMaxPositionEmbeddings: Int?
}

extension ModelConfig {
    /// Parses `config.json` data. `file` names the file in error messages.
    public static func parse(_ data: Data, file: String = "config.json") throws -> ModelConfig {
        guard let dict = try JSONValue.parse(data, file: file).objectValue else {
            throw CheckpointError.invalidJSON(file: file, reason: "top level is not a JSON object")
        }
        let reader = JSONFieldReader(dict: dict, file: file)
        let archs = try reader.optionalStringArray("architectures") ?? []
        let modelType = try reader.optionalString("model_type")
        let family = try resolveFamily(architectures: archs, modelType: modelType, file: file)

        let hidden = try reader.positiveInt("hidden_size")
        let heads = try reader.positiveInt("num_attention_heads")
        let kvHeads = try reader.optionalPositiveInt("num_key_value_heads") ?? heads
        guard heads % kvHeads == 0 else {
            throw CheckpointError.invalidConfig(file: file, key: "num_key_value_heads",
                reason: "\(kvHeads) does not divide num_attention_heads \(heads)")
        }
        let headDim = try reader.optionalPositiveInt("head_dim") ?? {
            guard hidden % heads == 0 else {
                throw CheckpointError.invalidConfig(file: file, key: "hidden_size",
                    reason: "\(hidden) is not divisible by num_attention_heads \(heads) and no head_dim is given")
            }
            return hidden / heads
        }()
        guard headDim % 2 == 0 else {
            throw CheckpointError.invalidConfig(file: file, key: "head_dim", reason: "\(headDim) must be even for RoPE")
        }
        let attentionBias = try reader.optionalBool("attention_bias") ?? false
        let layers = try reader.positiveInt("num_hidden_layers")
        // Which layers use a sliding window. transformers 5 writes `layer_types`; older configs
        // say it per family (Mistral: every layer when `sliding_window` is set; Qwen: layers from
        // `max_window_layers` on, only when `use_sliding_window` is true).
        var slidingWindow: Int? = nil
        var slidingLayers = [Bool](repeating: false, count: layers)
        let window = try reader.optionalPositiveInt("sliding_window")
        if let types = try reader.optionalStringArray("layer_types") {
            guard types.count == layers else {
                throw CheckpointError.invalidConfig(file: file, key: "layer_types", reason: "lists \(types.count) layers, num_hidden_layers is \(layers)")
            }
            for (i, t) in types.enumerated() {
                switch t {
                case "full_attention": break
                case "sliding_attention": slidingLayers[i] = true
                default:
                    throw CheckpointError.invalidConfig(file: file, key: "layer_types[\(i)]", reason: "'\(t)' is not supported (full_attention, sliding_attention)")
                }
            }
            if slidingLayers.contains(true) {
                guard let window else {
                    throw CheckpointError.invalidConfig(file: file, key: "sliding_window", reason: "is missing but layer_types has sliding_attention layers")
                }
                slidingWindow = window
            }
        } else if family == .mistral, let window {
            slidingWindow = window
            slidingLayers = [Bool](repeating: true, count: layers)
        } else if (family == .qwen2 || family == .qwen3), try reader.optionalBool("use_sliding_window") == true, let window {
            let maxWindowLayers = try reader.optionalInt("max_window_layers") ?? 0
            slidingWindow = window
            for i in 0..<layers where i >= maxWindowLayers { slidingLayers[i] = true }
        }
        if !slidingLayers.contains(true) { slidingWindow = nil }
        let eos = try reader.optionalIntList("eos_token_id") ?? []

        let vocab = try reader.positiveInt("vocab_size")
        var moe: MixtureOfExperts? = nil
        var latent: LatentAttention? = nil
        if family == .deepseekV3 {
            moe = MixtureOfExperts(routedExperts: try reader.positiveInt("n_routed_experts"),
                                   expertsPerToken: try reader.positiveInt("num_experts_per_tok"),
                                   sharedExperts: try reader.optionalInt("n_shared_experts") ?? 0,
                                   expertIntermediateSize: try reader.positiveInt("moe_intermediate_size"),
                                   firstDenseLayers: try reader.optionalInt("first_k_dense_replace") ?? 0)
            latent = LatentAttention(qLoraRank: try reader.optionalPositiveInt("q_lora_rank"),
                                     kvLoraRank: try reader.positiveInt("kv_lora_rank"),
                                     qkNopeHeadDim: try reader.positiveInt("qk_nope_head_dim"),
                                     qkRopeHeadDim: try reader.positiveInt("qk_rope_head_dim"),
                                     vHeadDim: try reader.positiveInt("v_head_dim"))
        }
        // transformers 5 nests rope_theta and the scaling in `rope_parameters`.
        let ropeParameters = dict["rope_parameters"]?.objectValue
        let ropeTheta = try reader.optionalDouble("rope_theta")
            ?? JSONFieldReader(dict: ropeParameters ?? [:], file: file, prefix: "rope_parameters.").optionalDouble("rope_theta")
            ?? 10000
        let config = ModelConfig(
            family: family,
            architecture: archs.first ?? (modelType ?? family.rawValue),
            vocabSize: vocab,
            hiddenSize: hidden,
            intermediateSize: try reader.positiveInt("intermediate_size"),
            numLayers: layers,
            numHeads: heads,
            numKVHeads: kvHeads,
            headDim: headDim,
            rmsNormEps: Float(try reader.optionalDouble("rms_norm_eps") ?? 1e-6),
            ropeTheta: ropeTheta,
            ropeScaling: try parseRopeScaling(dict["rope_scaling"] ?? dict["rope_parameters"], file: file),
            maxPositionEmbeddings: try reader.optionalPositiveInt("max_position_embeddings") ?? 2048,
            tieWordEmbeddings: try reader.optionalBool("tie_word_embeddings") ?? false,
            qkvBias: family == .qwen2 ? true : attentionBias,
            oBias: family == .qwen2 ? false : attentionBias,
            mlpBias: try reader.optionalBool("mlp_bias") ?? false,
            qkNorm: family == .qwen3,
            slidingWindow: slidingWindow,
            slidingWindowLayers: slidingLayers,
            torchDType: try reader.optionalString("torch_dtype") ?? reader.optionalString("dtype"),
            bosTokenId: try reader.optionalInt("bos_token_id"),
            eosTokenIds: eos,
            moe: moe,
            latentAttention: latent)
        return config
    }

    static func resolveFamily(architectures: [String], modelType: String?, file: String) throws -> Family {
        let byArchitecture: [String: Family] = [
            "LlamaForCausalLM": .llama, "MistralForCausalLM": .mistral,
            "Qwen2ForCausalLM": .qwen2, "Qwen3ForCausalLM": .qwen3,
            "DeepseekV3ForCausalLM": .deepseekV3,
        ]
        for arch in architectures {
            if let family = byArchitecture[arch] { return family }
        }
        if architectures.isEmpty, let modelType, let family = Family(rawValue: modelType) {
            return family
        }
        let named = architectures.isEmpty ? "model_type '\(modelType ?? "missing")'" : "architectures \(architectures)"
        throw CheckpointError.unsupportedArchitecture(file: file, name: named,
            supported: byArchitecture.keys.sorted())
    }

    static func parseRopeScaling(_ value: JSONValue?, file: String) throws -> RopeScaling? {
        guard let value, value != .null else { return nil }
        guard let dict = value.objectValue else {
            throw CheckpointError.invalidConfig(file: file, key: "rope_scaling", reason: "expected an object or null")
        }
        let reader = JSONFieldReader(dict: dict, file: file, prefix: "rope_scaling.")
        let typeName = try reader.optionalString("rope_type") ?? reader.optionalString("type") ?? "default"
        guard let kind = RopeScaling.Kind(rawValue: typeName) else {
            throw CheckpointError.invalidConfig(file: file, key: "rope_scaling.rope_type",
                reason: "'\(typeName)' is not supported (supported: llama3, linear, dynamic, yarn (simulation only), default)")
        }
        let factor = try reader.optionalDouble("factor") ?? 1
        guard factor > 0 else {
            throw CheckpointError.invalidConfig(file: file, key: "rope_scaling.factor", reason: "must be positive, got \(factor)")
        }
        return RopeScaling(kind: kind, factor: factor,
                           lowFreqFactor: try reader.optionalDouble("low_freq_factor") ?? 1,
                           highFreqFactor: try reader.optionalDouble("high_freq_factor") ?? 4,
                           originalMaxPositionEmbeddings: try reader.optionalPositiveInt("original_max_position_embeddings"))
    }
}


/// A mixture-of-experts MLP: each token goes through `expertsPerToken` of `routedExperts`
/// experts plus the shared ones; the first `firstDenseLayers` layers keep a dense MLP.
public struct MixtureOfExperts: Sendable, Equatable, Codable {
    public var routedExperts: Int
    public var expertsPerToken: Int
    public var sharedExperts: Int
    public var expertIntermediateSize: Int
    public var firstDenseLayers: Int
}

/// Multi-head latent attention (DeepSeek-V2/V3): queries and keys/values through low-rank
/// projections; the cache holds the compressed latent plus the rotary key part.
public struct LatentAttention: Sendable, Equatable, Codable {
    public var qLoraRank: Int?
    public var kvLoraRank: Int
    public var qkNopeHeadDim: Int
    public var qkRopeHeadDim: Int
    public var vHeadDim: Int
}
