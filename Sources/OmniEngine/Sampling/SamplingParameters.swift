import Foundation

/// How the next token is chosen from the logits. Temperature 0 means greedy (argmax).
public struct SamplingParameters: Sendable, Equatable, Codable {
    public var temperature: Double = 0
    /// Keep only the k most likely tokens (0 = off).
    public var topK: Int = 0
    /// Keep the smallest set of tokens whose probability reaches p (1 = off).
    public var topP: Double = 1
    /// Drop tokens whose probability is below minP times the top probability (0 = off).
    public var minP: Double = 0
    /// transformers' multiplicative repetition penalty over prompt and output tokens (1 = off).
    public var repetitionPenalty: Double = 1
    /// OpenAI's additive penalties over generated tokens (0 = off).
    public var presencePenalty: Double = 0
    public var frequencyPenalty: Double = 0
    /// Seed of the request's own random stream; same seed and inputs give the same tokens.
    public var seed: UInt64 = 0
    /// Report log-probabilities: nil for none, n for the chosen token's and the n most likely
    /// alternatives' (0...20).
    public var topLogprobs: Int? = nil

    public init(temperature: Double = 0, topK: Int = 0, topP: Double = 1, minP: Double = 0,
                repetitionPenalty: Double = 1, presencePenalty: Double = 0, frequencyPenalty: Double = 0,
                seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.presencePenalty = presencePenalty
        self.frequencyPenalty = frequencyPenalty
        self.seed = seed
    }

    public static let greedy = SamplingParameters()

    /// Checks ranges; the message names the parameter.
    public func validate() throws {
        func bad(_ name: String, _ detail: String) -> SamplingError { .invalidParameter(name: name, detail: detail) }
        guard temperature.isFinite, temperature >= 0 else { throw bad("temperature", "must be >= 0, got \(temperature)") }
        guard topK >= 0 else { throw bad("top_k", "must be >= 0, got \(topK)") }
        guard topP.isFinite, topP > 0, topP <= 1 else { throw bad("top_p", "must be in (0, 1], got \(topP)") }
        guard minP.isFinite, minP >= 0, minP <= 1 else { throw bad("min_p", "must be in [0, 1], got \(minP)") }
        guard repetitionPenalty.isFinite, repetitionPenalty > 0 else { throw bad("repetition_penalty", "must be > 0, got \(repetitionPenalty)") }
        guard presencePenalty.isFinite, abs(presencePenalty) <= 2 else { throw bad("presence_penalty", "must be in [-2, 2], got \(presencePenalty)") }
        guard frequencyPenalty.isFinite, abs(frequencyPenalty) <= 2 else { throw bad("frequency_penalty", "must be in [-2, 2], got \(frequencyPenalty)") }
        if let n = topLogprobs, !(0...20).contains(n) { throw bad("top_logprobs", "must be in [0, 20], got \(n)") }
    }
}

/// Invalid sampling settings.
public enum SamplingError: LocalizedError, Equatable {
    case invalidParameter(name: String, detail: String)
    public var errorDescription: String? {
        switch self {
        case .invalidParameter(let name, let detail): return "\(name) \(detail)"
        }
    }
}
