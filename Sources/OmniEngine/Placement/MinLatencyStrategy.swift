import Foundation

/// The placement with the least predicted time per output token (`CostModel.timePerOutputToken`:
/// every shard's decode step plus every hop, including the sampled token's hop back to the
/// first shard) among all placements that fit each node's memory, found by exact search over
/// which nodes take part, their ring order and the layer boundaries.
///
/// Dynamic programming over states (set S of nodes used so far, last node v, layers covered b):
/// `h(S, v, b)` is the least cost of covering layers `0..<b` with the nodes of S in some order
/// ending with v, counting their decode steps and the activation hops between them. A state
/// extends with a node u outside S taking layers `b..<e`. The closing hop (last node back to the
/// first) depends on the first node, so with per-pair link overrides the search runs once per
/// first node; with one default link it costs the same for every ring of two or more nodes and
/// a single pass suffices.
///
/// Complexity: O(F · 2^n · n · (n·L + L²)) time and O(2^n · n · L) memory for n nodes and L
/// layers, F = n with link overrides and 1 without; memory limits prune shards that cannot fit.
/// For 8 nodes and 126 layers, with every node able to hold the whole model (no pruning), that
/// is about 2·10^7 steps without link overrides and 8·10^7 with; measured in a release build:
/// 15 ms and 0.1 s (debug build: 0.3 s and 1 s). `max_nodes` (default 8, at most 12) bounds n; larger
/// topologies are refused with a clear error rather than searched slowly.
///
/// Ties are broken deterministically: among optimal end states, the ring with fewer nodes, then
/// the smaller node sequence by id, then the smaller boundaries; within the search the first
/// predecessor found (in increasing order of node sets, nodes and boundaries) is kept.
public struct MinLatencyStrategy: PlacementStrategy {
    public let name = "min-latency"
    /// Largest topology searched.
    public var maxNodes: Int

    /// Upper bound on `maxNodes` (the search's memory grows as 2^n).
    public static let maxNodesLimit = 12
    /// Largest layer count searched (the cost table grows as n·L²).
    public static let maxLayers = 512

    public init(maxNodes: Int = 8) { self.maxNodes = maxNodes }

    public func place(model: ModelConfig, modelName: String, dtypeBytes: Int, topology: Topology,
                      context: PlacementContext) throws -> Placement {
        let nodes = try PlacementChecks.nodes(model: model, dtypeBytes: dtypeBytes, topology: topology, context: context)
        guard nodes.count <= min(maxNodes, Self.maxNodesLimit) else {
            throw PlacementError.invalidRequest(field: "topology",
                reason: "has \(nodes.count) nodes; min-latency searches exactly and takes at most max_nodes = \(min(maxNodes, Self.maxNodesLimit)) (raise max_nodes up to \(Self.maxNodesLimit), or use another strategy)")
        }
        guard model.numLayers <= Self.maxLayers else {
            throw PlacementError.invalidRequest(field: "num_layers",
                reason: "is \(model.numLayers); min-latency's exact search takes at most \(Self.maxLayers) layers (use another strategy)")
        }
        var search = MinLatencySearch(nodes: nodes, model: model, dtypeBytes: dtypeBytes, topology: topology, context: context)
        guard let best = search.run() else {
            let needed = context.costModel.modelMemoryNeeded(model, dtypeBytes: dtypeBytes,
                maxContext: context.maxContextTokens, concurrency: context.concurrency)
            let available = nodes.reduce(0) { $0 + $1.profile.availableMemoryBytes }
            throw PlacementError.doesNotFit(neededBytes: needed, availableBytes: available,
                detail: "cluster; no split into contiguous shards fits every node's memory (embeddings and lm_head add to the first and last shard, KV caches to every layer)")
        }
        let placement = Placement(epoch: context.epoch, modelName: modelName, numLayers: model.numLayers,
            shards: best.map { ShardAssignment(node: nodes[$0.node].node, start: $0.start, end: $0.end) })
        try placement.validate()
        try PlacementChecks.checkMemory(placement, model: model, dtypeBytes: dtypeBytes, topology: topology, context: context)
        return placement
    }
}

/// The dynamic program of `MinLatencyStrategy`, on node indices (position in id order).
struct MinLatencySearch {
    let n: Int
    let layers: Int
    /// cost[(u * (L+1) + b) * (L+1) + e]: decode step of node u on layers b..<e, or +inf if it
    /// does not fit u's memory.
    var cost: [Double]
    /// activation[v * n + u]: hop of a hidden state from v to u.
    var activation: [Double]
    /// token[v * n + f]: hop of a sampled token from v back to f (0 if v == f).
    var token: [Double]
    let perFirstNode: Bool

    init(nodes: [(node: NodeID, profile: DeviceProfile)], model: ModelConfig, dtypeBytes: Int, topology: Topology,
         context: PlacementContext) {
        n = nodes.count
        layers = model.numLayers
        let l1 = layers + 1
        let cm = context.costModel
        cost = [Double](repeating: .infinity, count: n * l1 * l1)
        for u in 0..<n {
            let profile = nodes[u].profile
            for b in 0..<layers {
                for e in (b + 1)...layers {
                    let needed = cm.memoryNeeded(model, dtypeBytes: dtypeBytes, layers: b..<e, isFirst: b == 0, isLast: e == layers,
                                                 maxContext: context.maxContextTokens, concurrency: context.concurrency)
                    // Memory grows with e (the head only adds), so nothing longer fits either.
                    if needed > profile.availableMemoryBytes { break }
                    cost[(u * l1 + b) * l1 + e] = cm.decodeTime(model, dtypeBytes: dtypeBytes, device: profile, layers: b..<e,
                                                                isLast: e == layers, contextLength: context.decodeContextTokens)
                }
            }
        }
        activation = [Double](repeating: 0, count: n * n)
        token = [Double](repeating: 0, count: n * n)
        for v in 0..<n {
            for u in 0..<n where u != v {
                let link = topology.link(between: nodes[v].node, and: nodes[u].node)
                activation[v * n + u] = cm.transferTime(link: link, bytes: cm.activationBytesPerToken(model))
                token[v * n + u] = cm.transferTime(link: link, bytes: cm.tokenBytes)
            }
        }
        perFirstNode = topology.hasLinkOverrides
    }

    /// The best ring as (node index, start, end) shards, or nil if nothing fits.
    mutating func run() -> [(node: Int, start: Int, end: Int)]? {
        var bestCost = Double.infinity
        var best: [(node: Int, start: Int, end: Int)]? = nil
        let firstGroups: [[Int]] = perFirstNode ? (0..<n).map { [$0] } : [Array(0..<n)]
        let l1 = layers + 1
        let stateCount = (1 << n) * n * l1
        var h = [Double](repeating: .infinity, count: stateCount)
        var back = [Int32](repeating: -1, count: stateCount)
        let uniformClose = n > 1 ? token[1] : 0   // token hop 0 -> 1: the default link when there are no overrides
        for firsts in firstGroups {
            h.withUnsafeMutableBufferPointer { hp in
                back.withUnsafeMutableBufferPointer { bp in
                    cost.withUnsafeBufferPointer { cp in
                        activation.withUnsafeBufferPointer { ap in
                            for i in 0..<stateCount { hp[i] = .infinity; bp[i] = -1 }
                            for f in firsts {
                                for e in 1...layers { hp[((1 << f) * n + f) * l1 + e] = cp[(f * l1 + 0) * l1 + e] }
                            }
                            var m = [Double](repeating: .infinity, count: l1)
                            var mArg = [Int](repeating: -1, count: l1)
                            for set in 1..<(1 << n) {
                                if perFirstNode, set & (1 << firsts[0]) == 0 { continue }
                                for u in 0..<n where set & (1 << u) == 0 {
                                    // m[b]: best way to have covered 0..<b ending anywhere in `set`, plus the hop to u.
                                    var any = false
                                    for b in 1..<layers {
                                        m[b] = .infinity; mArg[b] = -1
                                        for v in 0..<n where set & (1 << v) != 0 {
                                            let c = hp[(set * n + v) * l1 + b] + ap[v * n + u]
                                            if c < m[b] { m[b] = c; mArg[b] = v; any = true }
                                        }
                                    }
                                    guard any else { continue }
                                    let target = set | (1 << u)
                                    let rowBase = (target * n + u) * l1
                                    for b in 1..<layers where m[b] < .infinity {
                                        let costBase = (u * l1 + b) * l1
                                        for e in (b + 1)...layers {
                                            let step = cp[costBase + e]
                                            if step == .infinity { break }
                                            let c = m[b] + step
                                            if c < hp[rowBase + e] {
                                                hp[rowBase + e] = c
                                                bp[rowBase + e] = Int32(mArg[b] * l1 + b)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            // Close the ring and keep the best complete state; on an exact tie, the ring whose
            // node sequence (then boundaries) is smaller.
            for set in 1..<(1 << n) {
                for v in 0..<n where set & (1 << v) != 0 {
                    let covered = h[(set * n + v) * l1 + layers]
                    guard covered < .infinity else { continue }
                    let close: Double
                    if perFirstNode { close = token[v * n + firsts[0]] } else { close = set.nonzeroBitCount > 1 ? uniformClose : 0 }
                    let total = covered + close
                    if total < bestCost {
                        bestCost = total
                        best = reconstruct(h: h, back: back, set: set, last: v)
                    } else if total == bestCost, let current = best {
                        let candidate = reconstruct(h: h, back: back, set: set, last: v)
                        if Self.precedes(candidate, current) { best = candidate }
                    }
                }
            }
        }
        return best
    }

    /// Lexicographic order on (node sequence, then shard ends).
    static func precedes(_ x: [(node: Int, start: Int, end: Int)], _ y: [(node: Int, start: Int, end: Int)]) -> Bool {
        let xs = x.map(\.node) + x.map(\.end), ys = y.map(\.node) + y.map(\.end)
        if x.count != y.count { return x.count < y.count }
        return xs.lexicographicallyPrecedes(ys)
    }

    func reconstruct(h: [Double], back: [Int32], set: Int, last: Int) -> [(node: Int, start: Int, end: Int)] {
        let l1 = layers + 1
        var shards: [(node: Int, start: Int, end: Int)] = []
        var (s, v, e) = (set, last, layers)
        while true {
            let pointer = back[(s * n + v) * l1 + e]
            if pointer < 0 {
                shards.append((v, 0, e))
                break
            }
            let (pv, pb) = (Int(pointer) / l1, Int(pointer) % l1)
            shards.append((v, pb, e))
            (s, v, e) = (s & ~(1 << v), pv, pb)
        }
        return shards.reversed()
    }
}
