import Foundation
@testable import OmniSim

/// Synthetic, deterministic simulator results for report tests (no randomness: a fixed LCG).
enum ReportsFixtures {
    struct LCG {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    /// A two-node pipeline run: `requests` requests with `tokens` output tokens each, arriving
    /// every `gap` seconds; compute per token per node scaled by `speed`.
    static func pipelineRun(strategy: String, requests: Int = 12, tokens: Int = 8, gap: Double = 0.35,
                            speed: Double = 1, seed: UInt64 = 1, failEvery: Int = 0)
        -> (StrategyResult, [TimelineSpan]) {
        var rng = LCG(state: seed)
        let nodes = [("mac-mini", "gpu", 0, 12, 0.020), ("pc", "cuda0", 13, 31, 0.030)]
        var spans: [TimelineSpan] = []
        var records: [RequestRecord] = []
        var nodeFree = [0.0, 0.0]
        var busy = [0.0, 0.0]
        for i in 0..<requests {
            let id = "r\(i)"
            let arrival = Double(i) * gap
            var t = arrival
            var tokenTimes: [Double] = []
            let failing = failEvery > 0 && (i + 1) % failEvery == 0
            let produced = failing ? tokens / 2 : tokens
            for k in 0..<produced {
                for (n, node) in nodes.enumerated() {
                    let start = max(t, nodeFree[n])
                    if start > t { spans.append(TimelineSpan(node: node.0, kind: "queue_wait", request: id, start: t, end: start, label: "wait")) }
                    let work = node.4 * speed * (k == 0 ? 3 : 1) * (0.9 + 0.2 * rng.next())
                    spans.append(TimelineSpan(node: node.0, kind: "compute", request: id, start: start, end: start + work,
                                              label: "layers \(node.2)-\(node.3)"))
                    busy[n] += work
                    nodeFree[n] = start + work
                    let send = 0.004 * (0.8 + 0.4 * rng.next())
                    spans.append(TimelineSpan(node: node.0, kind: "send", request: id, start: start + work, end: start + work + send,
                                              label: n == 0 ? "hidden -> pc" : "token -> mac-mini"))
                    t = start + work + send
                }
                tokenTimes.append(t)
            }
            if failing {
                spans.append(TimelineSpan(node: "pc", kind: "fault", request: id, start: t, end: t + 0.01, label: "link down"))
                records.append(RequestRecord(id: id, origin: "mac-mini", arrival: arrival, firstToken: tokenTimes.first,
                                             finish: t + 0.01, promptTokens: 20 + i, outputTokens: produced, status: "failed",
                                             error: i % 2 == 0 ? "peer pc unreachable" : "timeout after 30 s", tokenTimes: tokenTimes))
            } else {
                records.append(RequestRecord(id: id, origin: "mac-mini", arrival: arrival, firstToken: tokenTimes.first,
                                             finish: tokenTimes.last, promptTokens: 20 + i, outputTokens: produced,
                                             status: "completed", tokenTimes: tokenTimes))
            }
        }
        let end = spans.map(\.end).max() ?? 0
        let placement = nodes.map { PlacementRow(node: $0.0, device: $0.1, firstLayer: $0.2, lastLayer: $0.3,
                                                 weightBytes: ($0.3 - $0.2 + 1) * 218_103_808, kvBytes: 536_870_912) }
        let devices = nodes.enumerated().map { n, node in
            DeviceUsage(node: node.0, device: node.1, busySeconds: busy[n],
                        memoryUsedBytes: placement[n].weightBytes + placement[n].kvBytes,
                        memoryCapacityBytes: n == 0 ? 17_179_869_184 : 25_769_803_776)
        }
        let result = StrategyResult(strategy: strategy, feasible: true, placement: placement, requests: records,
                                    devices: devices, simulatedSeconds: end, predictedSecondsPerToken: 0.058 * speed)
        return (result, spans)
    }

    static func infeasible(_ name: String) -> StrategyResult {
        StrategyResult(strategy: name, feasible: false,
                       infeasibleReason: "does not fit: needs 140.2 GiB, cluster has 96.0 GiB")
    }

    /// Three feasible strategies, one with failures, and one infeasible.
    static func experiment() -> ([StrategyResult], [String: [TimelineSpan]]) {
        let a = pipelineRun(strategy: "ring-memory", speed: 1.0, seed: 1)
        let b = pipelineRun(strategy: "uniform", speed: 1.4, seed: 2, failEvery: 5)
        let c = pipelineRun(strategy: "optimal \"min-tpot\", v2", speed: 0.8, seed: 3)
        let results = [a.0, b.0, c.0, infeasible("flops-weighted")]
        return (results, [a.0.strategy: a.1, b.0.strategy: b.1, c.0.strategy: c.1])
    }
}
