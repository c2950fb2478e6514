import Foundation
import OmniEngine
import OmniKernels

/// Writes a Hugging Face checkpoint with random weights in a preset's shape (e.g. a
/// Llama-3.2-1B-shaped BF16 model) that loads like any real checkpoint. Deterministic: the same
/// preset, dtype and seed give the same bytes.
public enum SyntheticCheckpoint {
    public static func write(preset: String, dtype: DType, to directory: URL, seed: UInt64 = 1,
                             progress: ((String) -> Void)? = nil) throws {
        guard let json = ModelPresets.configs[preset] else {
            throw CheckpointError.invalidConfig(file: "preset", key: preset, reason: "is not a known preset; presets: \(ModelPresets.names.joined(separator: ", "))")
        }
        try write(configJSON: json, dtype: dtype, to: directory, seed: seed, progress: progress)
    }

    /// Writes a checkpoint for any config.json text.
    public static func write(configJSON json: String, dtype: DType, to directory: URL, seed: UInt64 = 1,
                             progress: ((String) -> Void)? = nil) throws {
        let config = try ModelConfig.parse(Data(json.utf8), file: "config.json")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // config.json with the dtype that is actually stored.
        var configObject = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
        configObject["torch_dtype"] = ["F32": "float32", "F16": "float16", "BF16": "bfloat16"][dtype.rawValue]
        try JSONSerialization.data(withJSONObject: configObject, options: [.prettyPrinted, .sortedKeys])
            .write(to: directory.appendingPathComponent("config.json"))
        let generation: [String: Any] = ["eos_token_id": config.eosTokenIds, "bos_token_id": config.bosTokenId ?? 0]
        try JSONSerialization.data(withJSONObject: generation, options: [.prettyPrinted, .sortedKeys])
            .write(to: directory.appendingPathComponent("generation_config.json"))

        var entries: [SafeTensorsWriter.Entry] = []
        func matrix(_ name: String, _ rows: Int, _ cols: Int, std: Float = 0.02) {
            entries.append(.init(name: name, dtype: dtype, shape: [rows, cols]) { buffer in
                fillRandom(buffer, count: rows * cols, dtype: dtype, std: std, seed: seed ^ fnv1a(name))
            })
        }
        func ones(_ name: String, _ count: Int) {
            entries.append(.init(name: name, dtype: dtype, shape: [count]) { buffer in
                var one = [Float](repeating: 1, count: count)
                one.withUnsafeMutableBufferPointer { Kernels.fromFloat($0.baseAddress!, count: count, dtype: dtype, buffer.baseAddress!) }
            })
        }
        let c = config, h = c.hiddenSize, qDim = c.numHeads * c.headDim, kvDim = c.numKVHeads * c.headDim
        matrix("model.embed_tokens.weight", c.vocabSize, h)
        for i in 0..<c.numLayers {
            let p = "model.layers.\(i)."
            matrix(p + "self_attn.q_proj.weight", qDim, h)
            matrix(p + "self_attn.k_proj.weight", kvDim, h)
            matrix(p + "self_attn.v_proj.weight", kvDim, h)
            matrix(p + "self_attn.o_proj.weight", h, qDim)
            matrix(p + "mlp.gate_proj.weight", c.intermediateSize, h)
            matrix(p + "mlp.up_proj.weight", c.intermediateSize, h)
            matrix(p + "mlp.down_proj.weight", h, c.intermediateSize)
            ones(p + "input_layernorm.weight", h)
            ones(p + "post_attention_layernorm.weight", h)
            if c.qkNorm {
                ones(p + "self_attn.q_norm.weight", c.headDim)
                ones(p + "self_attn.k_norm.weight", c.headDim)
            }
            if c.qkvBias {
                for (n, size) in [("q", qDim), ("k", kvDim), ("v", kvDim)] {
                    entries.append(.init(name: p + "self_attn.\(n)_proj.bias", dtype: dtype, shape: [size]) { buffer in
                        fillRandom(buffer, count: size, dtype: dtype, std: 0.02, seed: seed ^ fnv1a(p + n))
                    })
                }
            }
        }
        ones("model.norm.weight", h)
        if !c.tieWordEmbeddings { matrix("lm_head.weight", c.vocabSize, h) }
        progress?("writing \(entries.count) tensors to \(directory.path)")
        try SafeTensorsWriter.write(entries, to: directory.appendingPathComponent("model.safetensors"))
    }

    /// Fills `count` elements with uniform noise of standard deviation `std`.
    static func fillRandom(_ buffer: UnsafeMutableRawBufferPointer, count: Int, dtype: DType, std: Float, seed: UInt64) {
        var random = RandomStream(seed: seed)
        let amplitude = std * Float(3).squareRoot()
        let chunk = 1 << 16
        var floats = [Float](repeating: 0, count: chunk)
        var done = 0
        while done < count {
            let n = min(chunk, count - done)
            for i in 0..<n {
                let bits = random.next()
                floats[i] = (Float(bits >> 40) * (1 / 16_777_216.0) * 2 - 1) * amplitude
            }
            floats.withUnsafeBufferPointer {
                Kernels.fromFloat($0.baseAddress!, count: n, dtype: dtype, buffer.baseAddress! + done * dtype.byteSize)
            }
            done += n
        }
    }

    static func fnv1a(_ s: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        return hash
    }
}
