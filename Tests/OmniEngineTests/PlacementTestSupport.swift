import Foundation
@testable import OmniEngine

/// Shared builders for the Placement* suites.
enum PlacementFixtures {
    static let gib = 1 << 30

    /// A small Llama-shaped model: per layer 592 parameters with the defaults
    /// (q 64, k+v 64, o 64, mlp 384, norms 16); embeddings 80; head 8 + 80.
    static func tinyModel(layers: Int = 4, hidden: Int = 8, intermediate: Int = 16, heads: Int = 2, kvHeads: Int = 1,
                          vocab: Int = 10, tied: Bool = false, slidingWindow: Int? = nil) -> ModelConfig {
        let family = slidingWindow == nil ? "llama" : "mistral"
        let arch = slidingWindow == nil ? "LlamaForCausalLM" : "MistralForCausalLM"
        let window = slidingWindow.map { ",\"sliding_window\":\($0)" } ?? ""
        let json = """
        {"architectures":["\(arch)"],"model_type":"\(family)","vocab_size":\(vocab),"hidden_size":\(hidden),
         "intermediate_size":\(intermediate),"num_hidden_layers":\(layers),"num_attention_heads":\(heads),
         "num_key_value_heads":\(kvHeads),"max_position_embeddings":4096,"tie_word_embeddings":\(tied)\(window)}
        """
        do { return try ModelConfig.parse(Data(json.utf8)) } catch { preconditionFailure("fixture config: \(error)") }
    }

    static func device(_ id: String, memory: Int, flops: Double = 1e12, bandwidth: Double = 1e11,
                       computeEfficiency: Double = 1, bandwidthEfficiency: Double = 1, overhead: Double = 0) -> DeviceProfile {
        DeviceProfile(id: id, name: id, totalMemoryBytes: memory, availableMemoryBytes: memory, processor: "test",
                      cores: 1, peakFlops: .init(all: flops), memoryBandwidthBytesPerSecond: bandwidth,
                      computeEfficiency: computeEfficiency, bandwidthEfficiency: bandwidthEfficiency, stepOverheadSeconds: overhead)
    }

    static func topology(_ devices: [DeviceProfile], link: LinkProfile = .gigabitEthernet) -> Topology {
        var t = Topology(defaultLink: link)
        for d in devices { t.update(NodeID(d.id), profile: d) }
        return t
    }

    static let allStrategyNames = ["bandwidth-weighted", "flops-weighted", "min-latency", "ring-memory-weighted", "uniform"]
}

/// SplitMix64: a tiny seeded generator so random cases are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
