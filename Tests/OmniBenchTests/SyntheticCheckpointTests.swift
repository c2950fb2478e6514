import Foundation
import Testing
@testable import OmniBench
import OmniEngine
import OmniKernels

@Suite struct SyntheticCheckpointTests {
    static let tinyConfig = """
    {"architectures":["LlamaForCausalLM"],"vocab_size":96,"hidden_size":32,"intermediate_size":64,"num_hidden_layers":3,
     "num_attention_heads":4,"num_key_value_heads":2,"rms_norm_eps":1e-5,"rope_theta":10000.0,"max_position_embeddings":64,
     "tie_word_embeddings":false,"eos_token_id":[1,2],"bos_token_id":0}
    """

    func temporary() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("omni-synth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(arguments: [DType.bf16, .f16, .f32])
    func synthesizedCheckpointLoadsAndRuns(_ dtype: DType) throws {
        let dir = try temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        try SyntheticCheckpoint.write(configJSON: Self.tinyConfig, dtype: dtype, to: dir, seed: 3)
        let checkpoint = try Checkpoint(directory: dir)
        #expect(checkpoint.config.numLayers == 3)
        #expect(checkpoint.generation.eosTokenIds == [1, 2])
        let generator = try Generator(checkpoint: checkpoint)
        let result = try generator.generate(GenerationRequest(promptTokens: [0, 5, 9], maxTokens: 5, ignoreEOS: true))
        #expect(result.tokens.count == 5)
        #expect(result.tokens.allSatisfy { (0..<96).contains($0) })
    }

    @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
        let (a, b, c) = (try temporary(), try temporary(), try temporary())
        defer { for d in [a, b, c] { try? FileManager.default.removeItem(at: d) } }
        try SyntheticCheckpoint.write(configJSON: Self.tinyConfig, dtype: .bf16, to: a, seed: 1)
        try SyntheticCheckpoint.write(configJSON: Self.tinyConfig, dtype: .bf16, to: b, seed: 1)
        try SyntheticCheckpoint.write(configJSON: Self.tinyConfig, dtype: .bf16, to: c, seed: 2)
        let file = "model.safetensors"
        let (da, db, dc) = try (Data(contentsOf: a.appendingPathComponent(file)), Data(contentsOf: b.appendingPathComponent(file)),
                                Data(contentsOf: c.appendingPathComponent(file)))
        #expect(da == db)
        #expect(da != dc)
        #expect(da.count == dc.count)
    }

    @Test func benchmarkReportsAFractionOfTheBandwidthLimit() throws {
        let dir = try temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        try SyntheticCheckpoint.write(configJSON: Self.tinyConfig, dtype: .bf16, to: dir)
        let result = try GenerateBenchmark.run(modelDirectory: dir, promptTokens: 8, decodeTokens: 4, repeats: 2,
                                               bandwidth: 10e9, log: { _ in })
        #expect(result.prefillTokensPerSecond.count == 2)
        #expect(result.decodeTokensPerSecond.allSatisfy { $0 > 0 })
        // 3 layers x (q 32x32 + k,v 16x32 each + o 32x32 + 3 x 32x64) + lm_head 96x32, 2 bytes each.
        #expect(result.weightBytesPerToken == 2 * (3 * (1024 + 512 + 512 + 1024 + 3 * 2048) + 96 * 32))
        #expect(result.decodeFractionOfBandwidthLimit > 0)
    }
}
