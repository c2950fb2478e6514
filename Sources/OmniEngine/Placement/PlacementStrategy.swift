import Foundation

/// What a placement is computed for besides the model and the topology: the epoch to stamp, the
/// memory the KV caches need, and the cost model.
public struct PlacementContext: Sendable, Equatable {
    /// Stamped into the placement (usually the topology view's version).
    public var epoch: UInt64
    /// KV-cache capacity per sequence, in tokens.
    public var maxContextTokens: Int
    /// Sequences served at once (each has its own KV cache on every shard).
    public var concurrency: Int
    /// Context length at which time per token is predicted (strategies that optimise it).
    public var decodeContextTokens: Int
    public var costModel: CostModel

    public init(epoch: UInt64, maxContextTokens: Int = 4096, concurrency: Int = 1,
                decodeContextTokens: Int? = nil, costModel: CostModel = CostModel()) {
        self.epoch = epoch
        self.maxContextTokens = maxContextTokens
        self.concurrency = concurrency
        self.decodeContextTokens = decodeContextTokens ?? maxContextTokens
        self.costModel = costModel
    }
}

/// Maps a model and a topology to a placement, or to a clear `PlacementError` (for example
/// `doesNotFit`). Implementations must be deterministic: the same inputs give the same placement
/// on every node, with ties broken by node id. Register new ones with
/// `PlacementStrategies.register(name:factory:)`.
public protocol PlacementStrategy: Sendable {
    /// The name the strategy is registered under.
    var name: String { get }

    func place(model: ModelConfig, modelName: String, dtypeBytes: Int, topology: Topology,
               context: PlacementContext) throws -> Placement
}
