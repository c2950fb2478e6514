import Foundation

/// One node's share of a model: layers `start..<end`.
public struct ShardAssignment: Sendable, Hashable, Codable {
    public var node: NodeID
    /// First layer (inclusive).
    public var start: Int
    /// One past the last layer (exclusive).
    public var end: Int

    public init(node: NodeID, start: Int, end: Int) {
        self.node = node
        self.start = start
        self.end = end
    }

    /// The layers as a range. Empty if `end < start` (which `Placement.validate()` rejects).
    public var layers: Range<Int> { start..<max(start, end) }
    /// Number of layers.
    public var count: Int { max(0, end - start) }
}

/// Which node runs which layers of a model, stamped with the epoch of the topology view it was
/// computed from. Travels with each request (DESIGN rule 5).
///
/// A valid placement lists shards in ring order, contiguous, non-empty, covering
/// `0..<numLayers`, each node at most once. A node that would get no layers is left out.
public struct Placement: Sendable, Equatable, Codable {
    public var epoch: UInt64
    public var modelName: String
    public var numLayers: Int
    public var shards: [ShardAssignment]

    public init(epoch: UInt64, modelName: String, numLayers: Int, shards: [ShardAssignment]) {
        self.epoch = epoch
        self.modelName = modelName
        self.numLayers = numLayers
        self.shards = shards
    }

    enum CodingKeys: String, CodingKey {
        case epoch, shards
        case modelName = "model_name"
        case numLayers = "num_layers"
    }

    /// Throws `PlacementError.invalidPlacement` unless the shards are non-empty, contiguous,
    /// start at 0, end at `numLayers` and name each node once.
    public func validate() throws {
        guard numLayers > 0 else { throw PlacementError.invalidPlacement(reason: "num_layers must be positive, got \(numLayers)") }
        guard !shards.isEmpty else { throw PlacementError.invalidPlacement(reason: "no shards") }
        var expectedStart = 0
        var seen: [NodeID] = []
        for (i, shard) in shards.enumerated() {
            guard shard.start == expectedStart else {
                throw PlacementError.invalidPlacement(reason: "shard \(i) (node \(shard.node)) starts at layer \(shard.start), expected \(expectedStart)")
            }
            guard shard.end > shard.start else {
                throw PlacementError.invalidPlacement(reason: "shard \(i) (node \(shard.node)) is empty (\(shard.start)..<\(shard.end))")
            }
            guard !seen.contains(shard.node) else {
                throw PlacementError.invalidPlacement(reason: "node \(shard.node) appears in more than one shard")
            }
            seen.append(shard.node)
            expectedStart = shard.end
        }
        guard expectedStart == numLayers else {
            throw PlacementError.invalidPlacement(reason: "shards end at layer \(expectedStart), the model has \(numLayers) layers")
        }
    }

    /// The shard of `node`, or nil if it holds no layers.
    public func shard(for node: NodeID) -> ShardAssignment? { shards.first { $0.node == node } }

    /// The shard after `node`'s in ring order, or nil if `node` holds the last layers (its
    /// sampled token goes back to `first`) or holds none.
    public func next(after node: NodeID) -> ShardAssignment? {
        guard let index = shards.firstIndex(where: { $0.node == node }), index + 1 < shards.count else { return nil }
        return shards[index + 1]
    }

    /// The shard holding layer 0 (where token ids go).
    public var first: ShardAssignment? { shards.first }
    /// The shard holding the last layer (where tokens are sampled).
    public var last: ShardAssignment? { shards.last }
    /// The nodes in ring order.
    public var nodes: [NodeID] { shards.map(\.node) }
}
