import Foundation

/// Chooses tokens from logits with one request's parameters and random stream. Penalties are
/// applied first (repetition as transformers does, then presence/frequency as OpenAI does),
/// then temperature, top-k, top-p and min-p, then a draw from the remaining distribution.
public struct Sampler: Sendable {
    public let parameters: SamplingParameters
    private var random: RandomStream
    /// Occurrences of each generated token (for presence/frequency penalties).
    private var generatedCounts: [Int: Int] = [:]
    /// Tokens seen in prompt or output (for the repetition penalty).
    private var seen: Set<Int> = []

    public init(parameters: SamplingParameters, promptTokens: [Int] = []) {
        self.parameters = parameters
        self.random = RandomStream(seed: parameters.seed)
        if parameters.repetitionPenalty != 1 { seen = Set(promptTokens) }
    }

    /// Records a token that was emitted (so penalties see it).
    public mutating func observe(_ token: Int) {
        generatedCounts[token, default: 0] += 1
        if parameters.repetitionPenalty != 1 { seen.insert(token) }
    }

    /// Picks the next token from one row of logits.
    public mutating func sample(_ logits: UnsafeBufferPointer<Float>) -> Int {
        let p = parameters
        let needsPenalty = p.repetitionPenalty != 1 || p.presencePenalty != 0 || p.frequencyPenalty != 0
        if !needsPenalty && p.temperature == 0 { return Self.argmax(logits) }
        var scores = [Float](logits)
        if p.repetitionPenalty != 1 {
            let rp = Float(p.repetitionPenalty)
            for t in seen.sorted() where t < scores.count {
                scores[t] = scores[t] < 0 ? scores[t] * rp : scores[t] / rp
            }
        }
        if p.presencePenalty != 0 || p.frequencyPenalty != 0 {
            for (t, count) in generatedCounts.sorted(by: { $0.key < $1.key }) where t < scores.count {
                scores[t] -= Float(p.presencePenalty) + Float(p.frequencyPenalty) * Float(count)
            }
        }
        if p.temperature == 0 {
            return scores.withUnsafeBufferPointer { Self.argmax($0) }
        }
        return drawFiltered(scores)
    }

    private mutating func drawFiltered(_ scores: [Float]) -> Int {
        let p = parameters
        let invT = 1 / p.temperature
        // Candidates sorted by descending score, ties by id (deterministic).
        var order = Array(scores.indices).filter { scores[$0].isFinite || scores[$0] == .infinity }
        order.sort { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        if p.topK > 0 && order.count > p.topK { order.removeLast(order.count - p.topK) }
        guard let best = order.first else { return 0 }
        let maxScore = Double(scores[best]) * invT
        var probs = order.map { exp(Double(scores[$0]) * invT - maxScore) }
        var total = probs.reduce(0, +)
        if p.topP < 1 {
            var cumulative = 0.0
            var keep = probs.count
            for (i, q) in probs.enumerated() {
                cumulative += q / total
                if cumulative >= p.topP { keep = i + 1; break }
            }
            probs.removeLast(probs.count - keep)
            order.removeLast(order.count - keep)
            total = probs.reduce(0, +)
        }
        if p.minP > 0 {
            let threshold = p.minP * probs[0]
            let keep = probs.firstIndex { $0 < threshold } ?? probs.count
            probs.removeLast(probs.count - keep)
            order.removeLast(order.count - keep)
            total = probs.reduce(0, +)
        }
        let r = random.nextUnit() * total
        var cumulative = 0.0
        for (i, q) in probs.enumerated() {
            cumulative += q
            if r < cumulative { return order[i] }
        }
        return order[order.count - 1]
    }

    /// Index of the largest value; the first one on ties (as torch.argmax).
    public static func argmax(_ x: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        var bestValue = -Float.infinity
        for i in 0..<x.count where x[i] > bestValue {
            bestValue = x[i]
            best = i
        }
        return best
    }

    /// Log-probabilities of the unmodified distribution: the chosen token's and the `top` best.
    public static func logProbabilities(_ logits: UnsafeBufferPointer<Float>, chosen: Int, top: Int) -> (chosen: Double, top: [(id: Int, logprob: Double)]) {
        var maxValue = -Float.infinity
        for v in logits where v > maxValue { maxValue = v }
        var sum = 0.0
        for v in logits { sum += exp(Double(v - maxValue)) }
        let logZ = Double(maxValue) + log(sum)
        let chosenLP = Double(logits[chosen]) - logZ
        guard top > 0 else { return (chosenLP, []) }
        let best = Array(logits.indices).sorted { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }.prefix(top)
        return (chosenLP, best.map { ($0, Double(logits[$0]) - logZ) })
    }
}
