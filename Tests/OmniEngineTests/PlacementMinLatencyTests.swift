import Foundation
import Testing
@testable import OmniEngine

@Suite struct PlacementMinLatencyTests {
    /// A random cluster of `count` nodes for `model`: memories from 15% to 120% of the whole
    /// model's needs, varied compute, bandwidth, efficiencies and overheads, and sometimes
    /// per-pair links.
    func randomCluster(_ rng: inout SeededGenerator, count: Int, model: ModelConfig, context: PlacementContext) -> Topology {
        let whole = context.costModel.modelMemoryNeeded(model, dtypeBytes: 2, maxContext: context.maxContextTokens,
                                                        concurrency: context.concurrency)
        var t = Topology(defaultLink: LinkProfile(latencySeconds: Double.random(in: 1e-5...1e-3, using: &rng),
                                                  bandwidthBytesPerSecond: Double.random(in: 1e6...1e9, using: &rng)))
        for i in 0..<count {
            let memory = Int(Double(whole) * Double.random(in: 0.15...1.2, using: &rng))
            let d = DeviceProfile(id: "n\(i)", name: "n\(i)", totalMemoryBytes: memory, availableMemoryBytes: memory, processor: "p",
                                  cores: 1, peakFlops: .init(all: Double.random(in: 1e6...1e8, using: &rng)),
                                  memoryBandwidthBytesPerSecond: Double.random(in: 1e6...1e8, using: &rng),
                                  computeEfficiency: Double.random(in: 0.2...1, using: &rng),
                                  bandwidthEfficiency: Double.random(in: 0.2...1, using: &rng),
                                  stepOverheadSeconds: Double.random(in: 0...1e-4, using: &rng))
            t.update(NodeID("n\(i)"), profile: d)
        }
        if Bool.random(using: &rng) {
            for i in 0..<count {
                for j in (i + 1)..<max(i + 1, count) where Bool.random(using: &rng) {
                    t.setLink(between: NodeID("n\(i)"), and: NodeID("n\(j)"),
                              to: LinkProfile(latencySeconds: Double.random(in: 1e-6...2e-3, using: &rng),
                                              bandwidthBytesPerSecond: Double.random(in: 1e6...1e9, using: &rng)))
                }
            }
        }
        return t
    }

    /// Every placement (ordered node subsets x layer compositions) that fits; the least
    /// predicted time per token.
    func bruteForce(model: ModelConfig, topology: Topology, context: PlacementContext) -> Double? {
        let nodes = topology.nodes
        let layers = model.numLayers
        var best: Double? = nil
        func compositions(_ total: Int, _ parts: Int) -> [[Int]] {
            if parts == 1 { return [[total]] }
            guard total >= parts else { return [] }
            return (1...(total - parts + 1)).flatMap { first in compositions(total - first, parts - 1).map { [first] + $0 } }
        }
        func sequences(_ remaining: [NodeID]) -> [[NodeID]] {
            remaining.flatMap { node in [[node]] + sequences(remaining.filter { $0 != node }).map { [node] + $0 } }
        }
        for order in sequences(nodes) where order.count <= layers {
            for counts in compositions(layers, order.count) {
                guard let p = try? PlacementChecks.placement(order: order, counts: counts, model: model, modelName: "m", context: context),
                      (try? PlacementChecks.checkMemory(p, model: model, dtypeBytes: 2, topology: topology, context: context)) != nil,
                      let t = try? context.costModel.timePerOutputToken(p, model: model, dtypeBytes: 2, topology: topology,
                                                                        contextLength: context.decodeContextTokens)
                else { continue }
                if best.map({ t < $0 }) ?? true { best = t }
            }
        }
        return best
    }

    func predicted(_ p: Placement, _ model: ModelConfig, _ topology: Topology, _ context: PlacementContext) throws -> Double {
        try context.costModel.timePerOutputToken(p, model: model, dtypeBytes: 2, topology: topology, contextLength: context.decodeContextTokens)
    }

    @Test func equalsBruteForceOnTinyCases() throws {
        var rng = SeededGenerator(seed: 42)
        var compared = 0
        for trial in 0..<40 {
            let model = PlacementFixtures.tinyModel(layers: 2 + trial % 5, tied: trial % 3 == 0)
            let context = PlacementContext(epoch: 1, maxContextTokens: 64, concurrency: 1 + trial % 2)
            let topology = randomCluster(&rng, count: 1 + trial % 4, model: model, context: context)
            let brute = bruteForce(model: model, topology: topology, context: context)
            let found = try? MinLatencyStrategy().place(model: model, modelName: "m", dtypeBytes: 2, topology: topology, context: context)
            #expect((brute == nil) == (found == nil), "trial \(trial): brute force \(String(describing: brute)), search \(String(describing: found))")
            if let brute, let found {
                try found.validate()
                let t = try predicted(found, model, topology, context)
                #expect(abs(t - brute) <= 1e-12 * brute, "trial \(trial): search \(t), brute force \(brute)")
                compared += 1
            }
        }
        #expect(compared >= 20)
    }

    @Test func neverWorseThanAnyOtherStrategy() throws {
        var rng = SeededGenerator(seed: 7)
        var comparisons = 0
        for trial in 0..<30 {
            let model = PlacementFixtures.tinyModel(layers: 6 + trial % 7, hidden: 16, intermediate: 48, heads: 4, kvHeads: 2, vocab: 50)
            let context = PlacementContext(epoch: 1, maxContextTokens: 128, concurrency: 2, decodeContextTokens: 100)
            let topology = randomCluster(&rng, count: 2 + trial % 5, model: model, context: context)
            let best = try? MinLatencyStrategy().place(model: model, modelName: "m", dtypeBytes: 2, topology: topology, context: context)
            for name in PlacementFixtures.allStrategyNames where name != "min-latency" {
                guard let other = try? PlacementStrategies.named(name).place(model: model, modelName: "m", dtypeBytes: 2,
                                                                              topology: topology, context: context) else { continue }
                let otherTime = try predicted(other, model, topology, context)
                guard let best else {
                    Issue.record("trial \(trial): \(name) found a placement, min-latency did not")
                    continue
                }
                #expect(try predicted(best, model, topology, context) <= otherTime * (1 + 1e-12), "trial \(trial) vs \(name)")
                comparisons += 1
            }
        }
        #expect(comparisons >= 20)
    }

    @Test func eightNodesAnd126Layers() throws {
        // Llama 3.1 405B in bf16 on eight 128 GiB nodes of two kinds, with per-pair links: the
        // exact search must finish (no timing assertion) and beat or match the heuristics.
        let model = try ModelPresets.config(named: "llama-3.1-405b")
        let gib = PlacementFixtures.gib
        var t = Topology(defaultLink: LinkProfile(latencySeconds: 1e-4, bandwidthBytesPerSecond: 5e9))
        for i in 0..<8 {
            t.update(NodeID("node\(i)"), profile: PlacementFixtures.device("node\(i)", memory: 128 * gib, flops: i < 4 ? 2e13 : 5e12,
                                                                              bandwidth: i < 4 ? 8e11 : 2e11, overhead: 1e-4))
        }
        t.setLink(between: "node0", and: "node5", to: LinkProfile(latencySeconds: 1e-3, bandwidthBytesPerSecond: 1e9))
        let context = PlacementContext(epoch: 9, maxContextTokens: 8192, concurrency: 1)
        let best = try MinLatencyStrategy().place(model: model, modelName: "llama-3.1-405b", dtypeBytes: 2, topology: t, context: context)
        try best.validate()
        #expect(best.epoch == 9)
        let bestTime = try context.costModel.timePerOutputToken(best, model: model, dtypeBytes: 2, topology: t, contextLength: 8192)
        for name in ["ring-memory-weighted", "uniform", "bandwidth-weighted"] {
            if let other = try? PlacementStrategies.named(name).place(model: model, modelName: "m", dtypeBytes: 2, topology: t, context: context) {
                let time = try context.costModel.timePerOutputToken(other, model: model, dtypeBytes: 2, topology: t, contextLength: 8192)
                #expect(bestTime <= time * (1 + 1e-12), "\(name)")
            }
        }
    }

    @Test func prefersOneFastNodeOverASlowHop() throws {
        // Both nodes can hold the model; the link is slow, so splitting only adds hops.
        let model = PlacementFixtures.tinyModel(layers: 8)
        let topology = PlacementFixtures.topology([
            PlacementFixtures.device("a", memory: 64 << 20), PlacementFixtures.device("b", memory: 64 << 20),
        ], link: LinkProfile(latencySeconds: 0.01, bandwidthBytesPerSecond: 1e6))
        let p = try MinLatencyStrategy().place(model: model, modelName: "m", dtypeBytes: 2, topology: topology, context: PlacementContext(epoch: 0))
        #expect(p.shards == [ShardAssignment(node: "a", start: 0, end: 8)])   // tie between a and b: smaller id
    }

    @Test func equalSplitsTieToTheSmallerIdFirst() throws {
        // Each node holds at most 6 of 8 layers, so two are needed; b-then-a and a-then-b cost the same.
        let model = PlacementFixtures.tinyModel(layers: 8)
        let context = PlacementContext(epoch: 0, maxContextTokens: 16)
        let six = context.costModel.memoryNeeded(model, dtypeBytes: 2, layers: 0..<6, isFirst: true, isLast: true, maxContext: 16, concurrency: 1)
        let topology = PlacementFixtures.topology([PlacementFixtures.device("b", memory: six), PlacementFixtures.device("a", memory: six)])
        let p = try MinLatencyStrategy().place(model: model, modelName: "m", dtypeBytes: 2, topology: topology, context: context)
        #expect(p.nodes == ["a", "b"])
        #expect(p.shards.allSatisfy { $0.count >= 2 })
    }

    @Test func refusesTooManyNodes() {
        let model = PlacementFixtures.tinyModel(layers: 8)
        let topology = PlacementFixtures.topology((0..<3).map { PlacementFixtures.device("n\($0)", memory: 1 << 20) })
        #expect(throws: PlacementError.self) {
            try MinLatencyStrategy(maxNodes: 2).place(model: model, modelName: "m", dtypeBytes: 2, topology: topology, context: PlacementContext(epoch: 0))
        }
    }
}
