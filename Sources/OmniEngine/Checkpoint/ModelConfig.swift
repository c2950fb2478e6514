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

    /// Largest sequence the model may process. Dynamic NTK scaling exists to run past
    /// `max_position_embeddings` and transformers sets no bound on it; OMNI allows 8x.
    public var contextLimit: Int {
        if let scaling = ropeScaling, scaling.kind == .dynamic {
            return maxPositionEmbeddings * 8
        }
        return maxPositionEmbeddings
    }

    /// Parameters in layers [start, end) plus, where asked, embeddings and head.
    public func parameterCount(layers: Range<Int>, embeddings: Bool, head: Bool) -> Int {
        let q = hiddenSize * numHeads * headDim
        let kv = 2 * hiddenSize * numKVHeads * headDim
        let o = numHeads * headDim * hiddenSize
        let mlp = 3 * hiddenSize * intermediateSize
        var perLayer = q + kv + o + mlp + 2 * hiddenSize
        if qkvBias { perLayer += (numHeads + 2 * numKVHeads) * headDim }
        if oBias { perLayer += hiddenSize }
        if mlpBias { perLayer += 2 * intermediateSize + hiddenSize }
        if qkNorm { perLayer += 2 * headDim }
        var total = perLayer * layers.count
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
        case llama3, linear, dynamic, `default`
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
            eosTokenIds: eos)
        return config
    }

    static func resolveFamily(architectures: [String], modelType: String?, file: String) throws -> Family {
        let byArchitecture: [String: Family] = [
            "LlamaForCausalLM": .llama, "MistralForCausalLM": .mistral,
            "Qwen2ForCausalLM": .qwen2, "Qwen3ForCausalLM": .qwen3,
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
                reason: "'\(typeName)' is not supported (supported: llama3, linear, dynamic, default)")
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

