import Foundation

/// The executor that does real math: it loads the layers a task names from the node's own copy
/// of the checkpoint (only those tensors), keeps a KV cache and a sampler per request, and
/// unloads layer ranges no request uses any more when the placement changes.
public final class RealShardExecutor: ShardExecutor {
    public let checkpoint: Checkpoint
    private var shards: [Range<Int>: TransformerShard] = [:]
    private struct RequestState {
        var layers: Range<Int>
        var cache: KVCache
        var sampler: Sampler?
    }
    private var requests: [RequestID: RequestState] = [:]
    private let lock = NSLock()
    /// Called when layers are loaded or unloaded (for the operator's log).
    public var onLayersChanged: ((String) -> Void)?
    /// Captures hidden states entering this node's layers, for requests the mapping numbers.
    public var activationRecorder: ActivationRecorder?
    public var requestNumber: ((RequestID) -> Int?)?

    public init(checkpoint: Checkpoint) {
        self.checkpoint = checkpoint
    }

    public var activeRequests: [RequestID] {
        lock.lock(); defer { lock.unlock() }
        return requests.keys.sorted()
    }

    /// Layer ranges currently loaded, sorted.
    public var loadedLayerRanges: [Range<Int>] {
        lock.lock(); defer { lock.unlock() }
        return shards.keys.sorted { $0.lowerBound < $1.lowerBound }
    }

    /// Bytes of KV cache held for all requests.
    public var cacheBytes: Int {
        lock.lock(); defer { lock.unlock() }
        return requests.values.reduce(0) { $0 + $1.cache.byteCount }
    }

    private func shard(for layers: Range<Int>) throws -> TransformerShard {
        if let s = shards[layers] { return s }
        let s = try TransformerShard(checkpoint: checkpoint, layers: layers)
        // Unload ranges that no request uses any more.
        let inUse = Set(requests.values.map(\.layers))
        for range in shards.keys.sorted(by: { $0.lowerBound < $1.lowerBound }) where !inUse.contains(range) {
            shards[range] = nil
            onLayersChanged?("unloaded layers \(range.lowerBound)..<\(range.upperBound)")
        }
        shards[layers] = s
        onLayersChanged?("loaded layers \(layers.lowerBound)..<\(layers.upperBound)")
        return s
    }

    public func run(_ task: ComputeTask) -> ComputeOutput {
        lock.lock(); defer { lock.unlock() }
        do {
            let shard = try shard(for: task.layers)
            var state: RequestState
            if let existing = requests[task.request] {
                state = existing
                guard state.layers == task.layers else {
                    return .failed("request \(task.request) moved from layers \(state.layers) to \(task.layers) mid-flight")
                }
            } else {
                guard task.position == 0 else {
                    return .failed("request \(task.request) has no KV cache here for position \(task.position)")
                }
                let capacity = min(task.capacity, checkpoint.config.contextLimit)
                state = RequestState(layers: task.layers, cache: try shard.makeCache(capacity: capacity),
                                     sampler: task.isLastShard ? Sampler(parameters: task.sampling, promptTokens: task.promptTokens) : nil)
            }
            guard state.cache.length == task.position else {
                return .failed("request \(task.request): expected position \(state.cache.length), got \(task.position)")
            }
            let input: TransformerShard.Input
            switch task.input {
            case .tokens(let ids): input = .tokens(ids)
            case .hidden(let h):
                guard !h.isPlaceholder else { return .failed("placeholder hidden states reached a real executor") }
                input = .hidden(h.values, count: h.tokens)
            }
            let observer = requestNumber.flatMap { $0(task.request) }.flatMap { activationRecorder?.observer(request: $0) }
            let out = try shard.forward(input, cache: state.cache, logits: .last, observer: observer)
            defer { requests[task.request] = state }
            if let logits = out.logits {
                guard var sampler = state.sampler else { return .failed("no sampler on the last shard") }
                let token = logits.withUnsafeBufferPointer { sampler.sample($0) }
                sampler.observe(token)
                state.sampler = sampler
                let logprobs = task.sampling.topLogprobs.map { n in
                    logits.withUnsafeBufferPointer { TokenLogprobs(logits: $0, chosen: token, top: n) }
                }
                return .token(token, logprobs: logprobs)
            }
            return .hidden(HiddenStates(tokens: out.count, width: checkpoint.config.hiddenSize, values: out.hidden ?? []))
        } catch {
            return .failed(error.localizedDescription)
        }
    }

    /// Called after a request's state is freed (e.g. to write its captured activations).
    public var onRelease: ((RequestID) -> Void)?

    public func release(_ request: RequestID) {
        lock.lock()
        requests[request] = nil
        lock.unlock()
        onRelease?(request)
    }
}
