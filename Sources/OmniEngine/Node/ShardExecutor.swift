/// One unit of work for a device: run layers [start, end) of a request's sequence at positions
/// [position, position + input.positions), and, on the last shard, sample the next token.
public struct ComputeTask: Sendable, Equatable {
    public var id: UInt64
    public var request: RequestID
    public var layers: Range<Int>
    public var isFirstShard: Bool
    public var isLastShard: Bool
    public var position: Int
    public var input: Activation
    /// Positions the request may reach (prompt + max tokens), to size its KV cache.
    public var capacity: Int
    /// Sampling settings and the prompt (for penalties), used by the last shard.
    public var sampling: SamplingParameters
    public var promptTokens: [Int]
}

/// The result of a compute task.
public enum ComputeOutput: Sendable, Equatable {
    /// Hidden states for the next shard.
    case hidden(HiddenStates)
    /// The token sampled by the last shard (with its log-probabilities when the request asked).
    case token(Int, logprobs: TokenLogprobs? = nil)
    /// The device could not run the task (bad input, out of memory); the request fails.
    case failed(String)
}

/// Runs what a device computes. Two implementations exist: real math on real weights
/// (`RealShardExecutor`), and a cost model that produces correctly shaped placeholders and
/// synthetic tokens without weights (in OmniSim). Executors keep per-request state (KV caches,
/// samplers) until `release`.
public protocol ShardExecutor: AnyObject {
    func run(_ task: ComputeTask) -> ComputeOutput
    /// Frees everything held for the request (called on finish, cancel, timeout and failure).
    func release(_ request: RequestID)
    /// Requests currently holding state (for leak checks).
    var activeRequests: [RequestID] { get }
}
