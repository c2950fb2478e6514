import OmniEngine

/// The executor without weights: it returns hidden states of the right shape with no values and
/// synthetic tokens from a seeded stream, so any model size can be simulated. Synthetic tokens
/// avoid the request's stop tokens, so requests run to their length limit.
public final class ModeledExecutor: ShardExecutor {
    let hiddenSize: Int
    let vocabularySize: Int
    private var random: RandomStream
    private let avoid: Set<Int>
    private var requests: [RequestID: Int] = [:]

    public init(model: ModelConfig, seed: UInt64, avoidTokens: Set<Int> = []) {
        avoid = avoidTokens.count < model.vocabSize ? avoidTokens : []
        hiddenSize = model.hiddenSize
        vocabularySize = model.vocabSize
        random = RandomStream(seed: seed)
    }

    public var activeRequests: [RequestID] { requests.keys.sorted() }

    public func run(_ task: ComputeTask) -> ComputeOutput {
        requests[task.request, default: 0] += 1
        if task.isLastShard {
            var token = Int(random.next() % UInt64(vocabularySize))
            while avoid.contains(token) { token = (token + 1) % vocabularySize }
            return .token(token)
        }
        return .hidden(HiddenStates(tokens: task.input.positions, width: hiddenSize, values: []))
    }

    public func release(_ request: RequestID) {
        requests[request] = nil
    }
}
