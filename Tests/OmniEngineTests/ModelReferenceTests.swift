import Foundation
import Testing
@testable import OmniEngine

/// The engine against transformers: logits, greedy tokens, and sharded execution.
@Suite struct ModelReferenceTests {
    static let f32Fixtures = ["llama", "llama-tied-mqa", "llama-dynamic", "mistral", "qwen2", "qwen3", "llama-sharded"]
    static let halfFixtures = ["llama-bf16", "llama-f16"]

    /// Logits of every position of the reference sequence, computed in one prefill.
    func allLogits(_ name: String, shards: [Range<Int>]? = nil) throws -> (ours: [[Float]], reference: [[Float]]) {
        let reference = try Fixtures.reference(name)
        let ids = (reference["input_ids"] as? [Any] ?? []).ints
        let expected = (reference["logits"] as? [Any] ?? []).floatRows
        let checkpoint = try Checkpoint(directory: Fixtures.model(name))
        let layers = checkpoint.config.numLayers
        let ranges = shards ?? [0..<layers]
        let generator = try Generator(shards: ranges.map { try TransformerShard(checkpoint: checkpoint, layers: $0) })
        let caches = try generator.makeCaches(capacity: ids.count)
        let flat = try generator.logits(for: ids, caches: caches, mode: .all)
        let vocab = checkpoint.config.vocabSize
        let rows = (0..<ids.count).map { Array(flat[($0 * vocab)..<(($0 + 1) * vocab)]) }
        return (rows, expected)
    }

    @Test(arguments: f32Fixtures + halfFixtures)
    func logitsMatchTransformers(_ name: String) throws {
        let (ours, reference) = try allLogits(name)
        #expect(ours.count == reference.count)
        var worst: Float = 0
        for (a, b) in zip(ours, reference) { worst = max(worst, maxAbsDifference(a, b)) }
        // Half-precision checkpoints are compared with transformers run in f32 on the same
        // rounded weights, so the same bound holds.
        #expect(worst <= 1e-4, "\(name): max |logit difference| \(worst)")
    }

    @Test(arguments: f32Fixtures + halfFixtures)
    func greedyTokensMatchTransformers(_ name: String) throws {
        let reference = try Fixtures.reference(name)
        guard let greedy = reference["greedy"] as? [String: Any] else {
            Issue.record("\(name): reference has no greedy run")
            return
        }
        let prompt = (greedy["input_ids"] as? [Any] ?? []).ints
        let expected = (greedy["output_ids"] as? [Any] ?? []).ints
        let maxNew = (greedy["max_new_tokens"] as? NSNumber)?.intValue ?? expected.count
        let generator = try Generator(checkpoint: Checkpoint(directory: Fixtures.model(name)))
        let result = try generator.generate(GenerationRequest(promptTokens: prompt, maxTokens: maxNew, ignoreEOS: true))
        #expect(result.tokens == expected)
        #expect(result.finishReason == .length)
    }

    @Test(arguments: [["llama"], ["qwen3"], ["mistral"]])
    func chainedShardsEqualOneShard(_ names: [String]) throws {
        for name in names {
            let (whole, _) = try allLogits(name)
            let checkpoint = try Checkpoint(directory: Fixtures.model(name))
            let n = checkpoint.config.numLayers
            #expect(n >= 3)
            for split in [[0..<1, 1..<n], [0..<1, 1..<(n - 1), (n - 1)..<n]] {
                let (parts, _) = try allLogits(name, shards: split)
                var worst: Float = 0
                for (a, b) in zip(parts, whole) { worst = max(worst, maxAbsDifference(a, b)) }
                #expect(worst <= 1e-5, "\(name) split \(split): \(worst)")
            }
        }
    }

    @Test func incrementalDecodeEqualsFullPrefill() throws {
        // Feeding tokens one by one through the KV cache gives the same logits as one prefill.
        let (full, _) = try allLogits("qwen2")
        let reference = try Fixtures.reference("qwen2")
        let ids = (reference["input_ids"] as? [Any] ?? []).ints
        let generator = try Generator(checkpoint: Checkpoint(directory: Fixtures.model("qwen2")))
        let caches = try generator.makeCaches(capacity: ids.count)
        for (i, id) in ids.enumerated() {
            let row = try generator.logits(for: [id], caches: caches)
            #expect(maxAbsDifference(row, full[i]) <= 1e-4)
        }
    }

    @Test func shardLoadsOnlyItsFiles() throws {
        let checkpoint = try Checkpoint(directory: Fixtures.model("llama-sharded"))
        #expect(checkpoint.mappedFileNames.isEmpty)
        _ = try ShardWeights(checkpoint: checkpoint, layers: 0..<1)
        let firstFiles = checkpoint.mappedFileNames
        #expect(!firstFiles.isEmpty)
        let fresh = try Checkpoint(directory: Fixtures.model("llama-sharded"))
        _ = try ShardWeights(checkpoint: fresh, layers: 0..<fresh.config.numLayers)
        #expect(fresh.mappedFileNames.count > firstFiles.count, "the first layer alone should not need every file")
    }

    @Test func positionsPastTheContextAreRefused() throws {
        let checkpoint = try Checkpoint(directory: Fixtures.model("llama"))
        let limit = checkpoint.config.contextLimit
        let generator = try Generator(checkpoint: checkpoint)
        #expect(throws: EngineError.contextOverflow(needed: limit + 1, limit: limit)) {
            _ = try generator.makeCaches(capacity: limit + 1)
        }
        let request = GenerationRequest(promptTokens: Array(repeating: 1, count: limit), maxTokens: 4)
        #expect(throws: EngineError.self) { _ = try generator.generate(request) }
        let caches = try generator.makeCaches(capacity: 4)
        #expect(throws: EngineError.invalidTokenId(id: checkpoint.config.vocabSize, vocabularySize: checkpoint.config.vocabSize)) {
            _ = try generator.logits(for: [checkpoint.config.vocabSize], caches: caches)
        }
    }
}
