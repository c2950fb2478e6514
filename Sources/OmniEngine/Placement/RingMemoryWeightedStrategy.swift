import Foundation

/// exo's default partitioning: nodes ordered by memory, largest first (equal memory: larger id
/// first, as exo's reversed `(memory, id)` sort does), each taking a fraction of the layers
/// proportional to its memory.
///
/// Rounding follows exo exactly: fraction boundaries are cumulative sums rounded to 5 decimals
/// (`end = round(start + memory / total, 5)`); a node's shard is
/// `Int(start * numLayers) ... Int(end * numLayers) - 1`, the last node runs to the last layer,
/// and if the last shard fell out the previous one is extended. 192/128/128 GB on 32 layers
/// gives 0..<13, 13..<22, 22..<32.
///
/// Unlike exo, a node whose slice rounds to zero layers is left out of the placement, and since
/// every shard names its node the remaining shards stay aligned and contiguous. Memory is the
/// node's available memory (exo uses total memory); parameter `use_total_memory` = 1 weighs by
/// total memory instead. Afterwards each node's share is checked against its available memory.
public struct RingMemoryWeightedStrategy: PlacementStrategy {
    public let name = "ring-memory-weighted"
    /// Weigh by total instead of available memory.
    public var useTotalMemory: Bool

    public init(useTotalMemory: Bool = false) { self.useTotalMemory = useTotalMemory }

    public func place(model: ModelConfig, modelName: String, dtypeBytes: Int, topology: Topology,
                      context: PlacementContext) throws -> Placement {
        let nodes = try PlacementChecks.nodes(model: model, dtypeBytes: dtypeBytes, topology: topology, context: context)
        let memories = nodes.map { (node: $0.node, memory: useTotalMemory ? $0.profile.totalMemoryBytes : $0.profile.availableMemoryBytes) }
        let ranges = Self.layerRanges(memories: memories, numLayers: model.numLayers)
        let placement = Placement(epoch: context.epoch, modelName: modelName, numLayers: model.numLayers,
                                  shards: ranges.map { ShardAssignment(node: $0.node, start: $0.layers.lowerBound, end: $0.layers.upperBound) })
        try placement.validate()
        try PlacementChecks.checkMemory(placement, model: model, dtypeBytes: dtypeBytes, topology: topology, context: context)
        return placement
    }

    /// exo's order and rounding (see the type's documentation), zero-layer nodes left out.
    public static func layerRanges(memories: [(node: NodeID, memory: Int)], numLayers: Int) -> [(node: NodeID, layers: Range<Int>)] {
        let ordered = memories.sorted { $0.memory != $1.memory ? $0.memory > $1.memory : $0.node > $1.node }
        let total = ordered.reduce(0.0) { $0 + Double(max(0, $1.memory)) }
        guard total > 0, numLayers > 0, let firstNode = ordered.first?.node else {
            // No memory anywhere: exo would divide by zero; give everything to the first node
            // and let the memory check report it.
            return ordered.first.map { [($0.node, 0..<max(0, numLayers))] } ?? []
        }
        var result: [(node: NodeID, first: Int, last: Int)] = []
        var start = 0.0
        for (i, entry) in ordered.enumerated() {
            let end = roundTo5Decimals(start + Double(max(0, entry.memory)) / total)
            let first = Int((start * Double(numLayers)).rounded(.towardZero))
            var last = min(Int((end * Double(numLayers)).rounded(.towardZero)) - 1, numLayers - 1)
            if i == ordered.count - 1 { last = numLayers - 1 }
            if first <= last { result.append((entry.node, first, last)) }
            start = end
        }
        if let tail = result.last, tail.last < numLayers - 1 {
            result[result.count - 1].last = numLayers - 1
        }
        if result.isEmpty { return [(firstNode, 0..<numLayers)] }
        return result.map { ($0.node, $0.first..<($0.last + 1)) }
    }

    /// Python's `round(x, 5)`: the correctly rounded 5-decimal value (C's `%.5f` rounds the exact
    /// binary value the same way), read back as a Double.
    static func roundTo5Decimals(_ x: Double) -> Double {
        Double(String(format: "%.5f", x)) ?? x
    }
}
