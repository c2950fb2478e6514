/// Log-probabilities of a sampled token under the model's distribution (before penalties,
/// temperature and filtering), and of the most likely alternatives — what OpenAI's `logprobs`
/// report.
public struct TokenLogprobs: Sendable, Equatable, Codable {
    /// An alternative token and its log-probability.
    public struct Alternative: Sendable, Equatable, Codable {
        public var id: Int
        public var logprob: Double
        public init(id: Int, logprob: Double) {
            self.id = id
            self.logprob = logprob
        }
    }

    public var logprob: Double
    /// The most likely tokens, best first (as many as asked for).
    public var top: [Alternative]

    public init(logprob: Double, top: [Alternative]) {
        self.logprob = logprob
        self.top = top
    }

    /// Computed from a row of logits for the chosen token.
    public init(logits: UnsafeBufferPointer<Float>, chosen: Int, top count: Int) {
        let lp = Sampler.logProbabilities(logits, chosen: chosen, top: count)
        self.init(logprob: lp.chosen, top: lp.top.map { Alternative(id: $0.id, logprob: $0.logprob) })
    }
}
