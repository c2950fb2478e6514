import Foundation

/// Every node gets the same number of layers (the first `numLayers % n` nodes one more), nodes
/// in id order. With more nodes than layers the extra nodes are left out.
public struct UniformStrategy: PlacementStrategy {
    public let name = "uniform"

    public init() {}

    public func place(model: ModelConfig, modelName: String, dtypeBytes: Int, topology: Topology,
                      context: PlacementContext) throws -> Placement {
        let nodes = try PlacementChecks.nodes(model: model, dtypeBytes: dtypeBytes, topology: topology, context: context)
        let n = nodes.count, layers = model.numLayers
        let counts = (0..<n).map { layers / n + ($0 < layers % n ? 1 : 0) }
        let placement = try PlacementChecks.placement(order: nodes.map(\.node), counts: counts, model: model,
                                                      modelName: modelName, context: context)
        try PlacementChecks.checkMemory(placement, model: model, dtypeBytes: dtypeBytes, topology: topology, context: context)
        return placement
    }
}

/// Layers in proportion to a per-node weight, nodes ordered by weight (largest first, ties by
/// id), counts by largest remainder. Nodes whose share rounds to zero are left out. Shared by
/// `flops-weighted` (achieved FLOPS: peak x compute efficiency, for the model's compute dtype)
/// and `bandwidth-weighted` (achieved memory bandwidth: peak x bandwidth efficiency).
public struct WeightedStrategy: PlacementStrategy {
    /// What a node's weight is.
    public enum Weight: String, Sendable {
        case flops, bandwidth
    }

    public let weight: Weight
    public var name: String { weight == .flops ? "flops-weighted" : "bandwidth-weighted" }

    public init(weight: Weight) { self.weight = weight }

    public func place(model: ModelConfig, modelName: String, dtypeBytes: Int, topology: Topology,
                      context: PlacementContext) throws -> Placement {
        let nodes = try PlacementChecks.nodes(model: model, dtypeBytes: dtypeBytes, topology: topology, context: context)
        let dtype = context.costModel.dtype(forWeightBytes: dtypeBytes)
        let weighted = nodes.map { entry -> (node: NodeID, weight: Double) in
            let w = weight == .flops ? entry.profile.effectiveFlops(dtype) : entry.profile.effectiveBandwidth
            return (entry.node, w)
        }.sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.node < $1.node }
        let counts = PlacementChecks.proportionalCounts(total: model.numLayers, weights: weighted.map(\.weight))
        let placement = try PlacementChecks.placement(order: weighted.map(\.node), counts: counts, model: model,
                                                      modelName: modelName, context: context)
        try PlacementChecks.checkMemory(placement, model: model, dtypeBytes: dtypeBytes, topology: topology, context: context)
        return placement
    }
}
