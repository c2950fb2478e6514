import OmniEngine

/// Turns a workload description into concrete arrivals. Draws come from the experiment seed's
/// own "workload" stream, so every strategy of an experiment sees exactly the same requests and
/// a different seed gives different draws.
public enum WorkloadGenerator {
    public static func arrivals(_ w: Workload, nodes: [NodeID], seed: UInt64) -> [SimulatedArrival] {
        var random = ComponentRandom(seed: seed, component: "workload")
        let origins = w.origins.isEmpty ? nodes.sorted() : w.origins
        func draw(_ l: Workload.Lengths, _ i: Int) -> Int {
            switch l {
            case .fixed(let n): return n
            case .uniform(let lo, let hi): return lo + Int(random.next() % UInt64(hi - lo + 1))
            case .trace(let values): return values[i % values.count]
            }
        }
        var result: [SimulatedArrival] = []
        func add(time: Double, index: Int, user: Int?) {
            var sampling = w.sampling
            sampling.seed = w.sampling.seed &+ UInt64(index)
            result.append(SimulatedArrival(time: time, origin: origins[(user ?? index) % origins.count],
                                           promptTokens: draw(w.promptTokens, index), maxTokens: draw(w.outputTokens, index),
                                           sampling: sampling, user: user))
        }
        switch w.arrivals {
        case .explicit(let times):
            for (i, t) in times.enumerated() { add(time: t, index: i, user: nil) }
        case .poisson(let rate, let count):
            var t = 0.0
            for i in 0..<count {
                add(time: t, index: i, user: nil)
                t += random.exponential(mean: 1 / rate)
            }
        case .closedLoop(let users, let perUser, let think):
            var i = 0
            for round in 0..<perUser {
                for u in 0..<users {
                    add(time: round == 0 ? 0 : think, index: i, user: u)
                    i += 1
                }
            }
        }
        return result
    }
}
