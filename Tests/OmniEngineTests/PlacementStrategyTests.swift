import Foundation
import Testing
@testable import OmniEngine

@Suite struct PlacementStrategyTests {
    let gib = PlacementFixtures.gib

    func heterogeneous() -> Topology {
        var t = PlacementFixtures.topology([
            PlacementFixtures.device("mac-studio", memory: 192 * gib, flops: 3e13, bandwidth: 8e11),
            PlacementFixtures.device("mbp-1", memory: 128 * gib, flops: 1.5e13, bandwidth: 4e11),
            PlacementFixtures.device("mbp-2", memory: 128 * gib, flops: 1.5e13, bandwidth: 4e11),
            PlacementFixtures.device("linux-box", memory: 64 * gib, flops: 4e13, bandwidth: 1e12),
        ])
        t.setLink(between: "mbp-1", and: "mbp-2", to: LinkProfile(latencySeconds: 1e-5, bandwidthBytesPerSecond: 5e9))
        return t
    }

    @Test(arguments: PlacementFixtures.allStrategyNames)
    func everyStrategyGivesAValidPlacement(name: String) throws {
        let model = try ModelPresets.config(named: "llama-3.1-70b")
        let strategy = try PlacementStrategies.named(name)
        #expect(strategy.name == name)
        let context = PlacementContext(epoch: 12, maxContextTokens: 8192, concurrency: 2)
        let p = try strategy.place(model: model, modelName: "llama-3.1-70b", dtypeBytes: 2, topology: heterogeneous(), context: context)
        try p.validate()
        #expect(p.epoch == 12 && p.modelName == "llama-3.1-70b" && p.numLayers == 80)
        try PlacementChecks.checkMemory(p, model: model, dtypeBytes: 2, topology: heterogeneous(), context: context)
        // Deterministic: the same inputs give the same placement.
        #expect(try strategy.place(model: model, modelName: "llama-3.1-70b", dtypeBytes: 2, topology: heterogeneous(), context: context) == p)
    }

    @Test func uniformSplitsEvenlyInIdOrderAndDropsSurplusNodes() throws {
        let model = PlacementFixtures.tinyModel(layers: 10)
        let t = PlacementFixtures.topology(["c", "a", "b"].map { PlacementFixtures.device($0, memory: gib) })
        let p = try UniformStrategy().place(model: model, modelName: "m", dtypeBytes: 2, topology: t, context: PlacementContext(epoch: 0))
        #expect(p.shards == [ShardAssignment(node: "a", start: 0, end: 4), ShardAssignment(node: "b", start: 4, end: 7),
                             ShardAssignment(node: "c", start: 7, end: 10)])
        let small = PlacementFixtures.tinyModel(layers: 2)
        let q = try UniformStrategy().place(model: small, modelName: "m", dtypeBytes: 2, topology: t, context: PlacementContext(epoch: 0))
        #expect(q.nodes == ["a", "b"])
    }

    @Test func flopsAndBandwidthWeightedFollowTheirWeights() throws {
        let model = PlacementFixtures.tinyModel(layers: 10)
        let t = PlacementFixtures.topology([
            PlacementFixtures.device("a", memory: gib, flops: 1e12, bandwidth: 3e11),
            PlacementFixtures.device("b", memory: gib, flops: 4e12, bandwidth: 1e11),
        ])
        let context = PlacementContext(epoch: 0)
        let byFlops = try WeightedStrategy(weight: .flops).place(model: model, modelName: "m", dtypeBytes: 2, topology: t, context: context)
        #expect(byFlops.shards == [ShardAssignment(node: "b", start: 0, end: 8), ShardAssignment(node: "a", start: 8, end: 10)])
        let byBandwidth = try WeightedStrategy(weight: .bandwidth).place(model: model, modelName: "m", dtypeBytes: 2, topology: t, context: context)
        #expect(byBandwidth.shards == [ShardAssignment(node: "a", start: 0, end: 8), ShardAssignment(node: "b", start: 8, end: 10)])
    }

    @Test func largestRemainderCounts() {
        #expect(PlacementChecks.proportionalCounts(total: 10, weights: [1, 1, 1]) == [4, 3, 3])
        #expect(PlacementChecks.proportionalCounts(total: 32, weights: [192, 128, 128]) == [14, 9, 9])
        #expect(PlacementChecks.proportionalCounts(total: 4, weights: [100, 1, 1]) == [4, 0, 0])
        #expect(PlacementChecks.proportionalCounts(total: 3, weights: [0, 0]) == [3, 0])
        #expect(PlacementChecks.proportionalCounts(total: 6, weights: [-1, .nan, 2, .infinity]) == [0, 0, 6, 0])
    }

    @Test(arguments: PlacementFixtures.allStrategyNames)
    func clusterTooSmallSaysHowMuchIsNeeded(name: String) throws {
        let model = try ModelPresets.config(named: "llama-3.1-70b")
        let t = PlacementFixtures.topology([
            PlacementFixtures.device("a", memory: 64 * gib), PlacementFixtures.device("b", memory: 32 * gib),
        ])
        let context = PlacementContext(epoch: 0, maxContextTokens: 4096)
        let needed = context.costModel.modelMemoryNeeded(model, dtypeBytes: 2, maxContext: 4096, concurrency: 1)
        let error = PlacementError.doesNotFit(neededBytes: needed, availableBytes: 96 * gib, detail: "cluster")
        #expect(throws: error) {
            try PlacementStrategies.named(name).place(model: model, modelName: "m", dtypeBytes: 2, topology: t, context: context)
        }
        // 70,553,706,496 parameters x 2 bytes (131.4 GiB) + 80 layers x 4096 tokens x 8 KiB of f32 KV cache (2.5 GiB).
        #expect(error.errorDescription == "does not fit: needs 133.9 GiB, cluster has 96.0 GiB")
    }

    @Test func perNodeViolationNamesTheNode() {
        let model = PlacementFixtures.tinyModel(layers: 4)
        let context = PlacementContext(epoch: 0, maxContextTokens: 16)
        let perLayer = context.costModel.memoryNeeded(model, dtypeBytes: 2, layers: 0..<1, isFirst: false, isLast: false, maxContext: 16, concurrency: 1)
        let big = PlacementFixtures.device("a", memory: 100 * perLayer)
        let small = PlacementFixtures.device("b", memory: perLayer)
        let t = PlacementFixtures.topology([big, small])
        // uniform gives b layers 2..<4 plus the head: more than it has.
        let needed = context.costModel.memoryNeeded(model, dtypeBytes: 2, layers: 2..<4, isFirst: false, isLast: true, maxContext: 16, concurrency: 1)
        #expect(throws: PlacementError.doesNotFit(neededBytes: needed, availableBytes: perLayer, detail: "node b (layers 2..<4)")) {
            try UniformStrategy().place(model: model, modelName: "m", dtypeBytes: 2, topology: t, context: context)
        }
        let message = PlacementError.doesNotFit(neededBytes: 3 * gib / 2, availableBytes: gib, detail: "node b (layers 2..<4)").errorDescription
        #expect(message == "does not fit: needs 1.5 GiB, node b (layers 2..<4) has 1.0 GiB")
        // min-latency finds the arrangement that fits: everything on a.
        #expect(throws: Never.self) {
            let p = try MinLatencyStrategy().place(model: model, modelName: "m", dtypeBytes: 2, topology: t, context: context)
            #expect(p.nodes == ["a"])
        }
    }

    @Test func minLatencyExplainsWhenNoSplitFits() {
        // Together the nodes have room, but the embedding table cannot sit anywhere.
        let model = PlacementFixtures.tinyModel(layers: 2, vocab: 5000)
        let context = PlacementContext(epoch: 0, maxContextTokens: 1)
        let whole = context.costModel.modelMemoryNeeded(model, dtypeBytes: 2, maxContext: 1, concurrency: 1)
        let t = PlacementFixtures.topology((0..<4).map { PlacementFixtures.device("n\($0)", memory: whole / 3) })
        do {
            _ = try MinLatencyStrategy().place(model: model, modelName: "m", dtypeBytes: 2, topology: t, context: context)
            Issue.record("expected doesNotFit")
        } catch let error as PlacementError {
            guard case .doesNotFit(let needed, let available, _) = error else { Issue.record("\(error)"); return }
            #expect(needed == whole && available == 4 * (whole / 3))
            #expect(error.errorDescription?.contains("no split into contiguous shards fits every node's memory") == true)
        } catch { Issue.record("\(error)") }
    }

    @Test func badRequestsAreErrorsNotCrashes() throws {
        let model = PlacementFixtures.tinyModel()
        let good = PlacementFixtures.topology([PlacementFixtures.device("a", memory: gib)])
        for name in PlacementFixtures.allStrategyNames {
            let s = try PlacementStrategies.named(name)
            #expect(throws: PlacementError.emptyTopology) {
                try s.place(model: model, modelName: "m", dtypeBytes: 2, topology: Topology(), context: PlacementContext(epoch: 0))
            }
            #expect(throws: PlacementError.self) {
                try s.place(model: model, modelName: "m", dtypeBytes: 0, topology: good, context: PlacementContext(epoch: 0))
            }
            #expect(throws: PlacementError.self) {
                try s.place(model: model, modelName: "m", dtypeBytes: 2, topology: good, context: PlacementContext(epoch: 0, concurrency: 0))
            }
            var broken = PlacementFixtures.device("z", memory: gib)
            broken.memoryBandwidthBytesPerSecond = 0
            var t = good
            t.update("z", profile: broken)
            #expect(throws: PlacementError.invalidDevice(node: "z", field: "memory_bandwidth_bytes_per_second", reason: "must be a positive finite number, got 0.0")) {
                try s.place(model: model, modelName: "m", dtypeBytes: 2, topology: t, context: PlacementContext(epoch: 0))
            }
        }
    }

    @Test func absurdModelsAreRefusedNotOverflowed() {
        let huge = PlacementFixtures.tinyModel(layers: 4, hidden: 1 << 40, intermediate: 1 << 40, heads: 1, kvHeads: 1)
        let t = PlacementFixtures.topology([PlacementFixtures.device("a", memory: gib)])
        for name in PlacementFixtures.allStrategyNames {
            #expect(throws: PlacementError.self) {
                try PlacementStrategies.named(name).place(model: huge, modelName: "m", dtypeBytes: 2, topology: t, context: PlacementContext(epoch: 0))
            }
        }
        let deep = PlacementFixtures.tinyModel(layers: MinLatencyStrategy.maxLayers + 1)
        #expect(throws: PlacementError.self) {
            try MinLatencyStrategy().place(model: deep, modelName: "m", dtypeBytes: 2, topology: t, context: PlacementContext(epoch: 0))
        }
    }

    @Test func registryListsFindsAndRegisters() throws {
        #expect(Set(PlacementFixtures.allStrategyNames).isSubset(of: Set(PlacementStrategies.names)))
        #expect(PlacementStrategies.names == PlacementStrategies.names.sorted())
        #expect(throws: PlacementError.self) { try PlacementStrategies.named("no-such-strategy") }
        let unknown = PlacementError.unknownStrategy(name: "x", known: ["a", "b"])
        #expect(unknown.errorDescription == "unknown placement strategy 'x'; known strategies: a, b")
        #expect(throws: PlacementError.invalidParameter(strategy: "uniform", name: "speed", reason: "is unknown (this strategy takes no parameters)")) {
            try PlacementStrategies.named("uniform", parameters: ["speed": 1])
        }
        #expect(throws: PlacementError.self) { try PlacementStrategies.named("min-latency", parameters: ["max_nodes": 13]) }
        #expect(throws: PlacementError.self) { try PlacementStrategies.named("min-latency", parameters: ["max_nodes": 2.5]) }
        #expect(try (PlacementStrategies.named("min-latency", parameters: ["max_nodes": 10]) as? MinLatencyStrategy)?.maxNodes == 10)

        struct LastNodeOnly: PlacementStrategy {
            let name = "test-last-node-only"
            func place(model: ModelConfig, modelName: String, dtypeBytes: Int, topology: Topology, context: PlacementContext) throws -> Placement {
                let nodes = try PlacementChecks.nodes(model: model, dtypeBytes: dtypeBytes, topology: topology, context: context)
                return try PlacementChecks.placement(order: [nodes[nodes.count - 1].node], counts: [model.numLayers], model: model,
                                                     modelName: modelName, context: context)
            }
        }
        PlacementStrategies.register(name: "test-last-node-only") { _ in LastNodeOnly() }
        #expect(PlacementStrategies.names.contains("test-last-node-only"))
        let t = PlacementFixtures.topology(["a", "b"].map { PlacementFixtures.device($0, memory: gib) })
        let p = try PlacementStrategies.named("test-last-node-only").place(model: PlacementFixtures.tinyModel(), modelName: "m", dtypeBytes: 2,
                                                                           topology: t, context: PlacementContext(epoch: 0))
        #expect(p.nodes == ["b"])
    }
}
