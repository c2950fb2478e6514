import Foundation
import Testing
@testable import OmniEngine

@Suite struct PlacementRingMemoryWeightedTests {
    let gb = PlacementFixtures.gib

    func ranges(_ memories: [(String, Int)], layers: Int) -> [String] {
        RingMemoryWeightedStrategy.layerRanges(memories: memories.map { (NodeID($0.0), $0.1) }, numLayers: layers)
            .map { "\($0.node):\($0.layers.lowerBound)..<\($0.layers.upperBound)" }
    }

    @Test func exoWorkedCase192_128_128On32Layers() {
        // exo: 0-12, 13-21, 22-31 (inclusive) for the 192 GB node then the two 128 GB nodes.
        #expect(ranges([("node1", 128 * gb), ("node2", 192 * gb), ("node3", 128 * gb)], layers: 32)
                == ["node2:0..<13", "node3:13..<22", "node1:22..<32"])
    }

    @Test func exoWorkedCase192_128_128On80Layers() {
        // exo: 0-33, 34-56, 57-79.
        #expect(ranges([("node1", 128 * gb), ("node2", 192 * gb), ("node3", 128 * gb)], layers: 80)
                == ["node2:0..<34", "node3:34..<57", "node1:57..<80"])
    }

    @Test func exoTriangleFractions() {
        // exo's 3000/1000/6000 example: node3 [0, 0.6), node1 [0.6, 0.9), node2 [0.9, 1.0).
        #expect(ranges([("node1", 3000), ("node2", 1000), ("node3", 6000)], layers: 10)
                == ["node3:0..<6", "node1:6..<9", "node2:9..<10"])
    }

    @Test func roundingMatchesPythonRound() {
        #expect(RingMemoryWeightedStrategy.roundTo5Decimals(192.0 / 448.0) == 0.42857)
        // Python: round(0.42857 + 128/448, 5) == 0.71428 and round(0.71428 + 128/448, 5) == 0.99999,
        // the partition ends exo's own test lists.
        #expect(RingMemoryWeightedStrategy.roundTo5Decimals(0.42857 + 128.0 / 448.0) == 0.71428)
        #expect(RingMemoryWeightedStrategy.roundTo5Decimals(0.71428 + 128.0 / 448.0) == 0.99999)
        #expect(RingMemoryWeightedStrategy.roundTo5Decimals(0.123455) == 0.12345)  // 0.123455 is just below the half
    }

    @Test func zeroLayerNodeIsDroppedAndShardsStayContiguous() throws {
        // c's slice (0.98039..<0.99019 of 4 layers) rounds to no layer. In exo the shard list
        // would then be one shorter than the node list and c would run b's layers.
        #expect(ranges([("a", 100), ("b", 1), ("c", 1)], layers: 4) == ["a:0..<3", "b:3..<4"])
        let model = PlacementFixtures.tinyModel(layers: 4)
        let topology = PlacementFixtures.topology([
            PlacementFixtures.device("a", memory: 100 * gb),
            PlacementFixtures.device("b", memory: 1 * gb),
            PlacementFixtures.device("c", memory: 1 * gb),
        ])
        let placement = try RingMemoryWeightedStrategy().place(model: model, modelName: "tiny", dtypeBytes: 2,
                                                               topology: topology, context: PlacementContext(epoch: 7))
        try placement.validate()
        #expect(placement.nodes == ["a", "b"])
        #expect(placement.shard(for: "c") == nil)
        #expect(placement.shard(for: "b") == ShardAssignment(node: "b", start: 3, end: 4))
        #expect(placement.epoch == 7)
    }

    @Test func nodeWithNoMemoryIsLeftOut() {
        #expect(ranges([("a", 10), ("b", 0), ("c", 10)], layers: 8) == ["c:0..<4", "a:4..<8"])
    }

    @Test func equalMemoryOrdersByIdDescendingLikeExo() {
        #expect(ranges([("a", 5), ("b", 5)], layers: 4) == ["b:0..<2", "a:2..<4"])
    }

    @Test func usesTotalMemoryWhenAsked() throws {
        let model = PlacementFixtures.tinyModel(layers: 4)
        var a = PlacementFixtures.device("a", memory: 100 * gb)
        a.availableMemoryBytes = 10 * gb
        let topology = PlacementFixtures.topology([a, PlacementFixtures.device("b", memory: 30 * gb)])
        let byAvailable = try PlacementStrategies.named("ring-memory-weighted")
            .place(model: model, modelName: "m", dtypeBytes: 2, topology: topology, context: PlacementContext(epoch: 0))
        let byTotal = try PlacementStrategies.named("ring-memory-weighted", parameters: ["use_total_memory": 1])
            .place(model: model, modelName: "m", dtypeBytes: 2, topology: topology, context: PlacementContext(epoch: 0))
        #expect(byAvailable.nodes == ["b", "a"])
        #expect(byTotal.nodes == ["a", "b"])
    }
}
