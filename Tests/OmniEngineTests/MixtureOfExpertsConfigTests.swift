import Foundation
import Testing
@testable import OmniEngine

/// DeepSeek-V3 is simulated from its config.json shapes: the counts must match the published
/// 671B total / 37B activated parameters, and the real engine must refuse it clearly.
@Suite struct MixtureOfExpertsConfigTests {
    @Test func deepSeekV3ShapesGiveThePublishedParameterCounts() throws {
        let c = try ModelPresets.config(named: "deepseek-v3")
        #expect(c.family == .deepseekV3)
        #expect(c.moe?.routedExperts == 256 && c.moe?.expertsPerToken == 8)
        let total = Double(c.parameterCount(layers: 0..<c.numLayers, embeddings: true, head: true))
        let active = Double(c.parameterCount(layers: 0..<c.numLayers, embeddings: true, head: true, activeExperts: 8))
        // DeepSeek-V3 report: 671B total, 37B activated per token (the MTP module excluded).
        #expect(abs(total / 671e9 - 1) < 0.01, "total \(total)")
        #expect(abs(active / 37e9 - 1) < 0.03, "active \(active)")
        // MLA caches the 512-wide latent and the 64-wide rotary key per token per layer.
        #expect(c.kvValuesPerTokenPerLayer == 576)
        #expect(!c.supportsRealExecution)
    }

    @Test func costModelReadsOnlyTheRoutedExperts() throws {
        let c = try ModelPresets.config(named: "deepseek-v3")
        let cost = CostModel()
        let layers = 3..<4
        let stored = cost.weightBytes(c, dtypeBytes: 1, layers: layers, isFirst: false, isLast: false)
        let decode = cost.weightBytesRead(c, dtypeBytes: 1, layers: layers, isLast: false, tokens: 1)
        let prefill = cost.weightBytesRead(c, dtypeBytes: 1, layers: layers, isLast: false, tokens: 512)
        #expect(decode < stored / 15)  // attention + router + 8 routed + 1 shared expert of 256
        #expect(prefill > stored * 9 / 10 && prefill <= stored)
        // Dense models are unchanged: every weight is read.
        let dense = try ModelPresets.config(named: "llama-3.1-8b")
        #expect(cost.weightBytesRead(dense, dtypeBytes: 2, layers: 0..<2, isLast: false, tokens: 7)
                == cost.weightBytes(dense, dtypeBytes: 2, layers: 0..<2, isFirst: false, isLast: false))
    }

    @Test func realExecutionIsRefusedWithTheReason() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for file in ["model.safetensors", "generation_config.json"] {
            try FileManager.default.copyItem(at: Fixtures.model("llama").appendingPathComponent(file), to: dir.appendingPathComponent(file))
        }
        try Data(ModelPresets.configs["deepseek-v3"]!.utf8).write(to: dir.appendingPathComponent("config.json"))
        do {
            _ = try TransformerShard(checkpoint: Checkpoint(directory: dir), layers: 0..<1)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.localizedDescription.contains("DeepseekV3ForCausalLM for real execution"))
            #expect(error.localizedDescription.contains("omni-sim"))
        }
    }
}
