import Foundation
import Testing
@testable import OmniEngine

/// Closed-form checks on a model small enough to count by hand: hidden 8, intermediate 16,
/// 2 heads of dim 4, 1 KV head, vocabulary 10, 4 layers. Per layer: q 64 + k,v 64 + o 64 +
/// mlp 384 + norms 16 = 592 parameters; embeddings 80; final norm 8 + lm_head 80.
@Suite struct PlacementCostModelTests {
    let model = PlacementFixtures.tinyModel()
    let cost = CostModel()   // f32 activations, f32 KV cache, 4-byte tokens

    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }

    /// 1000 peak FLOPS at 50% and 2000 B/s at 50%: 500 FLOPS and 1000 B/s achieved, 0.1 s overhead.
    let a = DeviceProfile(id: "a", name: "a", totalMemoryBytes: 1 << 20, availableMemoryBytes: 1 << 20, processor: "p", cores: 1,
                          peakFlops: .init(all: 1000), memoryBandwidthBytesPerSecond: 2000,
                          computeEfficiency: 0.5, bandwidthEfficiency: 0.5, stepOverheadSeconds: 0.1)
    /// Same compute, 100 B/s achieved: memory-bound.
    var b: DeviceProfile {
        var d = a
        d.id = "b"
        d.memoryBandwidthBytesPerSecond = 200
        return d
    }

    @Test func weightBytes() {
        #expect(model.parameterCount(layers: 0..<1, embeddings: false, head: false) == 592)
        #expect(cost.weightBytes(model, dtypeBytes: 2, layers: 0..<2, isFirst: true, isLast: false) == (2 * 592 + 80) * 2)
        #expect(cost.weightBytes(model, dtypeBytes: 2, layers: 2..<4, isFirst: false, isLast: true) == (2 * 592 + 88) * 2)
        #expect(cost.modelWeightBytes(model, dtypeBytes: 2) == (4 * 592 + 80 + 88) * 2)
        let tied = PlacementFixtures.tinyModel(tied: true)
        // Tied: one table when first and last share a node, a copy on the last node otherwise.
        #expect(cost.modelWeightBytes(tied, dtypeBytes: 2) == (4 * 592 + 80 + 8) * 2)
        #expect(cost.weightBytes(tied, dtypeBytes: 2, layers: 2..<4, isFirst: false, isLast: true) == (2 * 592 + 88) * 2)
        // Bytes read per step leave out the embedding table (looked up, not multiplied).
        #expect(cost.weightBytesRead(model, dtypeBytes: 4, layers: 0..<2, isLast: false) == 2 * 592 * 4)
    }

    @Test func kvAndActivationBytes() {
        #expect(cost.kvBytesPerTokenPerLayer(model) == 2 * 1 * 4 * 4)
        #expect(cost.kvCacheBytes(model, layers: 0..<2, contextTokens: 100, concurrency: 3) == 32 * 2 * 100 * 3)
        #expect(cost.activationBytesPerToken(model) == 32)
        #expect(CostModel(activationBytes: 2).activationBytesPerToken(model) == 16)
        #expect(cost.memoryNeeded(model, dtypeBytes: 4, layers: 0..<2, isFirst: true, isLast: false, maxContext: 100, concurrency: 3)
                == (2 * 592 + 80) * 4 + 19200)
    }

    @Test func flops() {
        // 2 x 1184 matmul + attention 4 x 2 heads x 4 dims x 10 positions x 2 layers.
        #expect(cost.flopsPerToken(model, layers: 0..<2, isLast: false, contextLength: 10) == 2368 + 640)
        #expect(cost.flopsPerToken(model, layers: 2..<4, isLast: true, contextLength: 10) == 2 * (1184 + 88) + 640)
        // Prefill of 3 tokens: positions 1, 2, 3 attend to 6 positions per layer.
        #expect(cost.flops(model, layers: 0..<2, isLast: false, tokens: 3) == 3 * 2368 + 32 * 6 * 2)
    }

    @Test func slidingWindowCapsAttention() {
        let mistral = PlacementFixtures.tinyModel(slidingWindow: 4)
        #expect(cost.flopsPerToken(mistral, layers: 0..<2, isLast: false, contextLength: 10) == 2368 + 32 * 4 * 2)
        // Positions 1...6 attend to 1+2+3+4+4+4 = 18.
        #expect(cost.flops(mistral, layers: 0..<1, isLast: false, tokens: 6) == 6 * 1184 + 32 * 18)
    }

    @Test func stepTimes() {
        // Compute-bound: 3008 FLOPs / 500 = 6.016 s > (4736 weight + 640 KV bytes) / 1000 = 5.376 s.
        #expect(close(cost.decodeTime(model, dtypeBytes: 4, device: a, layers: 0..<2, isLast: false, contextLength: 10), 6.016 + 0.1))
        // Memory-bound: (5088 + 640) bytes / 100 = 57.28 s > 3184 / 500.
        #expect(close(cost.decodeTime(model, dtypeBytes: 4, device: b, layers: 2..<4, isLast: true, contextLength: 10), 57.28 + 0.1))
        // Prefill of 3 tokens: 7488 FLOPs / 500 = 14.976 s; weights read once.
        #expect(close(cost.prefillTime(model, dtypeBytes: 4, device: a, layers: 0..<2, isLast: false, tokens: 3), 14.976 + 0.1))
        #expect(close(cost.stepTime(device: a, flops: 1000, bytes: 500, dtypeBytes: 4), 2 + 0.1))
    }

    @Test func computeDTypeSelectsPeak() {
        var d = a
        d.peakFlops = .init(f32: 1000, f16: 4000, bf16: 2000)
        #expect(cost.dtype(forWeightBytes: 4) == .f32)
        #expect(cost.dtype(forWeightBytes: 2) == .bf16)
        #expect(close(cost.stepTime(device: d, flops: 2000, bytes: 0, dtypeBytes: 2), 2 + 0.1))
        #expect(close(CostModel(computeDType: .f16).stepTime(device: d, flops: 2000, bytes: 0, dtypeBytes: 2), 1 + 0.1))
    }

    @Test func transferAndTimePerToken() throws {
        let link = LinkProfile(latencySeconds: 0.01, bandwidthBytesPerSecond: 100)
        #expect(close(cost.transferTime(link: link, bytes: 32), 0.33))
        #expect(cost.transferTime(link: nil, bytes: 32) == 0)
        let topology = PlacementFixtures.topology([a, b], link: link)
        let placement = Placement(epoch: 1, modelName: "tiny", numLayers: 4,
                                  shards: [ShardAssignment(node: "a", start: 0, end: 2), ShardAssignment(node: "b", start: 2, end: 4)])
        // 6.116 + 57.38 + hop a->b 0.01 + 32/100 + token hop b->a 0.01 + 4/100.
        let t = try cost.timePerOutputToken(placement, model: model, dtypeBytes: 4, topology: topology, contextLength: 10)
        #expect(close(t, 6.116 + 57.38 + 0.33 + 0.05))
        // One node: no hops at all.
        let single = Placement(epoch: 1, modelName: "tiny", numLayers: 4, shards: [ShardAssignment(node: "a", start: 0, end: 4)])
        let expected = cost.decodeTime(model, dtypeBytes: 4, device: a, layers: 0..<4, isLast: true, contextLength: 10)
        #expect(try cost.timePerOutputToken(single, model: model, dtypeBytes: 4, topology: topology, contextLength: 10) == expected)
    }

    @Test func timePerTokenRejectsUnknownNodesAndWrongModels() {
        let topology = PlacementFixtures.topology([a])
        let elsewhere = Placement(epoch: 1, modelName: "tiny", numLayers: 4, shards: [ShardAssignment(node: "zz", start: 0, end: 4)])
        #expect(throws: PlacementError.invalidPlacement(reason: "node zz is not in the topology")) {
            try cost.timePerOutputToken(elsewhere, model: model, dtypeBytes: 4, topology: topology, contextLength: 1)
        }
        let wrong = Placement(epoch: 1, modelName: "tiny", numLayers: 5, shards: [ShardAssignment(node: "a", start: 0, end: 5)])
        #expect(throws: PlacementError.self) {
            try cost.timePerOutputToken(wrong, model: model, dtypeBytes: 4, topology: topology, contextLength: 1)
        }
    }
}
