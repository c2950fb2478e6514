import Foundation
import Testing
@testable import OmniEngine

@Suite struct PlacementTableTests {
    func placement(_ shards: [(String, Int, Int)], layers: Int = 10) -> Placement {
        Placement(epoch: 3, modelName: "m", numLayers: layers, shards: shards.map { ShardAssignment(node: NodeID($0.0), start: $0.1, end: $0.2) })
    }

    @Test func validPlacementAndHelpers() throws {
        let p = placement([("a", 0, 4), ("b", 4, 7), ("c", 7, 10)])
        try p.validate()
        #expect(p.first?.node == "a")
        #expect(p.last?.node == "c")
        #expect(p.shard(for: "b") == ShardAssignment(node: "b", start: 4, end: 7))
        #expect(p.shard(for: "z") == nil)
        #expect(p.next(after: "a")?.node == "b")
        #expect(p.next(after: "b")?.node == "c")
        #expect(p.next(after: "c") == nil)
        #expect(p.next(after: "z") == nil)
        #expect(p.nodes == ["a", "b", "c"])
        #expect(p.shard(for: "b")?.layers == 4..<7)
    }

    @Test(arguments: [
        ([("a", 0, 4), ("b", 5, 10)], "shard 1 (node b) starts at layer 5, expected 4"),
        ([("a", 0, 4), ("b", 3, 10)], "shard 1 (node b) starts at layer 3, expected 4"),
        ([("a", 0, 4), ("b", 4, 4), ("c", 4, 10)], "shard 1 (node b) is empty (4..<4)"),
        ([("a", 0, 4), ("a", 4, 10)], "node a appears in more than one shard"),
        ([("a", 0, 4), ("b", 4, 9)], "shards end at layer 9, the model has 10 layers"),
        ([("a", 1, 10)], "shard 0 (node a) starts at layer 1, expected 0"),
        ([], "no shards"),
    ])
    func invalidPlacementsAreRejected(shards: [(String, Int, Int)], reason: String) {
        #expect(throws: PlacementError.invalidPlacement(reason: reason)) { try placement(shards).validate() }
    }

    @Test func nonPositiveLayerCountIsRejected() {
        #expect(throws: PlacementError.self) { try placement([("a", 0, 0)], layers: 0).validate() }
    }
}
