import Foundation

/// Why generation ended, in OpenAI's words.
public enum FinishReason: String, Sendable, Codable {
    case stop, length
}

/// What to generate for one request.
public struct GenerationRequest: Sendable {
    public var promptTokens: [Int]
    public var maxTokens: Int
    public var sampling: SamplingParameters
    /// Token ids that end generation (EOS ids from generation_config.json and the tokenizer).
    public var stopTokenIds: Set<Int>
    public var stopStrings: [String]
    /// Keep generating past EOS until maxTokens.
    public var ignoreEOS: Bool

    public init(promptTokens: [Int], maxTokens: Int, sampling: SamplingParameters = .greedy,
                stopTokenIds: Set<Int> = [], stopStrings: [String] = [], ignoreEOS: Bool = false) {
        self.promptTokens = promptTokens
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.stopTokenIds = stopTokenIds
        self.stopStrings = stopStrings
        self.ignoreEOS = ignoreEOS
    }
}

/// Timings of one generation, in seconds and tokens per second.
public struct GenerationTimings: Sendable, Codable, Equatable {
    public var prefillSeconds: Double = 0
    public var decodeSeconds: Double = 0
    public var prefillTokens: Int = 0
    public var decodeTokens: Int = 0
    public var prefillTokensPerSecond: Double { prefillSeconds > 0 ? Double(prefillTokens) / prefillSeconds : 0 }
    /// Decode steps after the first token (the first comes from prefill).
    public var decodeTokensPerSecond: Double { decodeSeconds > 0 ? Double(decodeTokens) / decodeSeconds : 0 }
}

/// The outcome of one generation.
public struct GenerationResult: Sendable {
    public var tokens: [Int]
    public var text: String
    public var finishReason: FinishReason
    public var timings: GenerationTimings
}

/// Turns generated token ids into text incrementally (never half a UTF-8 character).
public protocol TokenTextDecoder {
    mutating func append(_ id: Int) -> String
    mutating func flush() -> String
}

/// Runs a chain of shards on one machine as one model: prefill, then decode token by token,
/// with sampling, stop tokens, stop strings and streamed text.
public final class Generator: @unchecked Sendable {
    public let shards: [TransformerShard]
    public var config: ModelConfig { shards[0].config }

    /// `shards` must cover layers 0..<numLayers contiguously.
    public init(shards: [TransformerShard]) throws {
        guard let first = shards.first, let last = shards.last, first.weights.isFirst, last.weights.isLast else {
            throw EngineError.wrongInput("shards must start at layer 0 and end at the last layer")
        }
        for (a, b) in zip(shards, shards.dropFirst()) where a.weights.layerRange.upperBound != b.weights.layerRange.lowerBound {
            throw EngineError.wrongInput("shards \(a.weights.layerRange) and \(b.weights.layerRange) are not contiguous")
        }
        self.shards = shards
    }

    /// The whole model as one shard.
    public convenience init(checkpoint: Checkpoint) throws {
        try self.init(shards: [TransformerShard(checkpoint: checkpoint, layers: 0..<checkpoint.config.numLayers)])
    }

    /// Runs all shards on `tokens` appended to the caches; returns logits rows.
    public func logits(for tokens: [Int], caches: [KVCache], mode: TransformerShard.LogitsMode = .last,
                       observer: TransformerShard.Observer? = nil) throws -> [Float] {
        var input = TransformerShard.Input.tokens(tokens)
        for (shard, cache) in zip(shards, caches) {
            let out = try shard.forward(input, cache: cache, logits: mode, observer: observer)
            if let logits = out.logits { return logits }
            input = .hidden(out.hidden ?? [], count: out.count)
        }
        throw EngineError.wrongInput("the last shard produced no logits")
    }

    public func makeCaches(capacity: Int) throws -> [KVCache] {
        try shards.map { try $0.makeCache(capacity: capacity) }
    }

    /// Generates tokens. `onText` receives text as it becomes final (never half a UTF-8
    /// character, never part of a stop string) and returns false to cancel.
    public func generate(_ request: GenerationRequest, detokenizer: (any TokenTextDecoder)? = nil,
                         onToken: ((Int) -> Void)? = nil,
                         onText: ((String) -> Bool)? = nil,
                         shouldContinue: (() -> Bool)? = nil,
                         onTokenLogprobs: ((Int, TokenLogprobs) -> Void)? = nil,
                         observer: TransformerShard.Observer? = nil) throws -> GenerationResult {
        guard !request.promptTokens.isEmpty else { throw EngineError.emptyPrompt }
        guard request.maxTokens >= 0 else { throw EngineError.wrongInput("max tokens must be >= 0") }
        try request.sampling.validate()
        let needed = request.promptTokens.count + request.maxTokens
        let limit = config.contextLimit
        guard request.promptTokens.count < limit || request.maxTokens == 0 else {
            throw EngineError.contextOverflow(needed: needed, limit: limit)
        }
        guard request.maxTokens > 0 else {
            return GenerationResult(tokens: [], text: "", finishReason: .length, timings: GenerationTimings())
        }
        let caches = try makeCaches(capacity: min(needed, limit))
        var sampler = Sampler(parameters: request.sampling, promptTokens: request.promptTokens)
        var detokenizer = detokenizer
        var matcher = StopStringMatcher(stops: request.stopStrings)
        var timings = GenerationTimings()
        var generated: [Int] = []
        var text = ""
        var finish = FinishReason.length
        var cancelled = false
        var stoppedByString = false

        func emit(_ piece: String) {
            guard !piece.isEmpty else { return }
            text += piece
            if let onText, !onText(piece) { cancelled = true }
        }

        var clock = ContinuousClock.now
        var logits = try logits(for: request.promptTokens, caches: caches, observer: observer)
        timings.prefillSeconds = (ContinuousClock.now - clock).seconds
        timings.prefillTokens = request.promptTokens.count
        clock = ContinuousClock.now
        while true {
            let token = logits.withUnsafeBufferPointer { sampler.sample($0) }
            sampler.observe(token)
            onToken?(token)
            if let onTokenLogprobs, let n = request.sampling.topLogprobs {
                onTokenLogprobs(token, logits.withUnsafeBufferPointer { TokenLogprobs(logits: $0, chosen: token, top: n) })
            }
            if !request.ignoreEOS && request.stopTokenIds.contains(token) {
                finish = .stop
                break
            }
            generated.append(token)
            if var d = detokenizer {
                let piece = d.append(token)
                detokenizer = d
                switch matcher.feed(piece) {
                case .emit(let s): emit(s)
                case .stopped(let s):
                    emit(s)
                    finish = .stop
                    stoppedByString = true
                }
            }
            if let shouldContinue, !shouldContinue() { cancelled = true }
            if finish == .stop || cancelled { break }
            if generated.count >= request.maxTokens || request.promptTokens.count + generated.count >= limit {
                finish = .length
                break
            }
            logits = try self.logits(for: [token], caches: caches, observer: observer)
            timings.decodeTokens += 1
        }
        timings.decodeSeconds = (ContinuousClock.now - clock).seconds
        if !stoppedByString {
            // Text the detokenizer and the stop matcher still hold.
            let tail = detokenizer.map { d -> String in var d = d; return d.flush() } ?? ""
            switch matcher.feed(tail) {
            case .emit(let s): emit(s); emit(matcher.flush())
            case .stopped(let s): emit(s); finish = .stop
            }
        }
        return GenerationResult(tokens: generated, text: text, finishReason: finish, timings: timings)
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    public var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) * 1e-18
    }
}
