import Foundation

/// Checks and building blocks every shipped strategy shares: input validation, the cluster-wide
/// and per-node memory checks, and turning layer counts into a placement.
public enum PlacementChecks {
    /// Validates the request and returns the present nodes (sorted by id) with their profiles.
    /// Throws for bad values, an empty topology, or a model larger than the whole cluster.
    public static func nodes(model: ModelConfig, dtypeBytes: Int, topology: Topology,
                             context: PlacementContext) throws -> [(node: NodeID, profile: DeviceProfile)] {
        guard model.numLayers > 0 else { throw PlacementError.invalidRequest(field: "num_layers", reason: "must be positive, got \(model.numLayers)") }
        guard dtypeBytes > 0 else { throw PlacementError.invalidRequest(field: "dtype_bytes", reason: "must be positive, got \(dtypeBytes)") }
        guard context.maxContextTokens > 0 else {
            throw PlacementError.invalidRequest(field: "max_context_tokens", reason: "must be positive, got \(context.maxContextTokens)")
        }
        guard context.concurrency > 0 else { throw PlacementError.invalidRequest(field: "concurrency", reason: "must be positive, got \(context.concurrency)") }
        guard context.decodeContextTokens > 0 else {
            throw PlacementError.invalidRequest(field: "decode_context_tokens", reason: "must be positive, got \(context.decodeContextTokens)")
        }
        try context.costModel.validate()
        // Reject absurd shapes before any integer arithmetic on them can overflow.
        let h = Double(model.hiddenSize), attention = Double(model.numHeads + 2 * model.numKVHeads) * Double(model.headDim)
        let estimate = Double(model.numLayers) * (2 * h * attention + 3 * h * Double(model.intermediateSize) + 4 * h)
            + 2 * Double(model.vocabSize) * h
        let kvEstimate = 2 * Double(model.numKVHeads) * Double(model.headDim) * Double(context.costModel.kvBytesPerElement)
            * Double(model.numLayers) * Double(context.maxContextTokens) * Double(context.concurrency)
        guard estimate * Double(dtypeBytes) < 1e17, kvEstimate < 1e17 else {
            throw PlacementError.invalidRequest(field: "model", reason: "needs more than 10^17 bytes (about \(String(format: "%.3g", estimate)) parameters); check its config and the context size")
        }
        let nodes = topology.profiles
        guard !nodes.isEmpty else { throw PlacementError.emptyTopology }
        for (node, profile) in nodes {
            do { try profile.validate() } catch PlacementError.invalidDevice(_, let field, let reason) {
                throw PlacementError.invalidDevice(node: node.rawValue, field: field, reason: reason)
            }
        }
        try topology.defaultLink.validate(name: "default")
        for entry in topology.linkEntries {
            try entry.link?.validate(name: "\(entry.a)-\(entry.b)")
        }
        let (needed, overflow1) = multiplyChecked(model, dtypeBytes: dtypeBytes, context: context)
        let available = nodes.reduce(0) { $0 &+ $1.profile.availableMemoryBytes }
        if overflow1 || needed > available {
            throw PlacementError.doesNotFit(neededBytes: overflow1 ? Int.max : needed, availableBytes: available, detail: "cluster")
        }
        return nodes
    }

    /// The whole model's memory, reporting overflow instead of trapping on absurd inputs.
    static func multiplyChecked(_ model: ModelConfig, dtypeBytes: Int, context: PlacementContext) -> (Int, Bool) {
        let params = model.parameterCount(layers: 0..<model.numLayers, embeddings: true, head: true)
        let (weights, o1) = params.multipliedReportingOverflow(by: dtypeBytes)
        let perToken = context.costModel.kvBytesPerTokenPerLayer(model)
        let (a, o2) = perToken.multipliedReportingOverflow(by: model.numLayers)
        let (b, o3) = a.multipliedReportingOverflow(by: context.maxContextTokens)
        let (kv, o4) = b.multipliedReportingOverflow(by: context.concurrency)
        let (total, o5) = weights.addingReportingOverflow(kv)
        return (total, o1 || o2 || o3 || o4 || o5)
    }

    /// A placement giving `counts[i]` layers to `order[i]` in that order; nodes with zero layers
    /// are left out. The counts must sum to `model.numLayers`.
    public static func placement(order: [NodeID], counts: [Int], model: ModelConfig, modelName: String,
                                 context: PlacementContext) throws -> Placement {
        var shards: [ShardAssignment] = []
        var start = 0
        for (node, count) in zip(order, counts) where count > 0 {
            shards.append(ShardAssignment(node: node, start: start, end: start + count))
            start += count
        }
        let placement = Placement(epoch: context.epoch, modelName: modelName, numLayers: model.numLayers, shards: shards)
        try placement.validate()
        return placement
    }

    /// Throws `doesNotFit` naming the first shard (in ring order) whose node lacks the memory for
    /// its weights and KV caches.
    public static func checkMemory(_ placement: Placement, model: ModelConfig, dtypeBytes: Int, topology: Topology,
                                   context: PlacementContext) throws {
        for (i, shard) in placement.shards.enumerated() {
            guard let profile = topology.profile(of: shard.node) else {
                throw PlacementError.invalidPlacement(reason: "node \(shard.node) is not in the topology")
            }
            let needed = context.costModel.memoryNeeded(model, dtypeBytes: dtypeBytes, layers: shard.layers,
                isFirst: i == 0, isLast: i == placement.shards.count - 1,
                maxContext: context.maxContextTokens, concurrency: context.concurrency)
            if needed > profile.availableMemoryBytes {
                throw PlacementError.doesNotFit(neededBytes: needed, availableBytes: profile.availableMemoryBytes,
                                                detail: "node \(shard.node) (layers \(shard.start)..<\(shard.end))")
            }
        }
    }

    /// Splits `total` into counts proportional to `weights` by largest remainder: floors first,
    /// then one more layer to the largest fractional parts, ties to the earlier entry.
    /// Negative or non-finite weights count as zero; with no positive weight the first entry
    /// gets everything.
    public static func proportionalCounts(total: Int, weights rawWeights: [Double]) -> [Int] {
        let weights = rawWeights.map { $0.isFinite && $0 > 0 ? $0 : 0 }
        let sum = weights.reduce(0, +)
        guard sum > 0, sum.isFinite else {
            return weights.indices.map { $0 == 0 ? total : 0 }
        }
        let quotas = weights.map { Double(total) * $0 / sum }
        var counts = quotas.map { Int($0.rounded(.down)) }
        var remaining = total - counts.reduce(0, +)
        let byRemainder = quotas.indices.sorted {
            let (fa, fb) = (quotas[$0] - Double(counts[$0]), quotas[$1] - Double(counts[$1]))
            return fa != fb ? fa > fb : $0 < $1
        }
        var k = 0
        while remaining > 0, !byRemainder.isEmpty {
            counts[byRemainder[k % byRemainder.count]] += 1
            remaining -= 1
            k += 1
        }
        return counts
    }
}
