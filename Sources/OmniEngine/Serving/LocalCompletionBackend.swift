import Foundation

/// Serves completions on this device alone: requests run one at a time on a worker thread in
/// arrival order (up to `maxQueued` waiting), each with its own KV cache.
public final class LocalCompletionBackend: CompletionBackend, @unchecked Sendable {
    public let model: LocalModel
    private let generator: Generator
    private let queue = DispatchQueue(label: "omni.local-backend")
    private let lock = NSLock()
    private var waiting = 0
    public let maxQueued: Int

    public init(model: LocalModel, maxQueued: Int = 64) throws {
        self.model = model
        self.generator = try Generator(checkpoint: model.checkpoint)
        self.maxQueued = maxQueued
    }

    public func submit(_ request: CompletionRequest, onEvent: @escaping @Sendable (CompletionEvent) -> Void) -> CompletionHandle {
        let handle = CompletionHandle()
        lock.lock()
        if waiting >= maxQueued {
            lock.unlock()
            onEvent(.failed(.queueFull("\(maxQueued) requests are already waiting; try again later")))
            return handle
        }
        waiting += 1
        lock.unlock()
        queue.async { [generator] in
            self.lock.lock(); self.waiting -= 1; self.lock.unlock()
            if handle.isCancelled { onEvent(.failed(.cancelled)); return }
            let r = GenerationRequest(promptTokens: request.promptTokens, maxTokens: request.maxTokens, sampling: request.sampling,
                                      stopTokenIds: request.stopTokenIds, ignoreEOS: request.ignoreEOS)
            do {
                // Tokens are reported as they are sampled; cancellation is checked after each.
                let isStop = { (token: Int) in !request.ignoreEOS && request.stopTokenIds.contains(token) }
                let result = try generator.generate(r, onToken: { token in
                    if !isStop(token) { onEvent(.token(token)) }
                }, shouldContinue: { !handle.isCancelled }, onTokenLogprobs: { token, logprobs in
                    if !isStop(token) { onEvent(.logprobs(logprobs)) }
                })
                if handle.isCancelled { onEvent(.failed(.cancelled)) } else { onEvent(.finished(result.finishReason)) }
            } catch let e as EngineError {
                onEvent(.failed(.invalid(e.localizedDescription)))
            } catch {
                onEvent(.failed(.invalid(error.localizedDescription)))
            }
        }
        return handle
    }

    public func status() -> ClusterStatus {
        let c = model.checkpoint.config
        let profile = DeviceProfile.thisMachine(id: "local")
        return ClusterStatus(model: model.name, numLayers: c.numLayers, strategy: "single-device", placementEpoch: nil,
                             nodes: [ClusterNodeStatus(id: "local", name: profile.name, totalMemoryBytes: profile.totalMemoryBytes,
                                                       availableMemoryBytes: profile.availableMemoryBytes, layerStart: 0,
                                                       layerEnd: c.numLayers, isSelf: true)],
                             links: [])
    }
}
