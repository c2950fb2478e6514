import Foundation

/// Serves completions through the cluster this node belongs to: each request becomes a
/// `ClientRequest` with this node as origin, placed across the nodes the node knows; tokens and
/// the outcome come back through the runtime's loop, in order.
public final class ClusterCompletionBackend: CompletionBackend, @unchecked Sendable {
    public let model: LocalModel
    public let runtime: LiveNodeRuntime

    public init(model: LocalModel, runtime: LiveNodeRuntime) {
        self.model = model
        self.runtime = runtime
    }

    public func submit(_ request: CompletionRequest, onEvent: @escaping @Sendable (CompletionEvent) -> Void) -> CompletionHandle {
        let id = runtime.makeRequestID()
        let client = ClientRequest(id: id, promptTokens: request.promptTokens, maxTokens: request.maxTokens,
                                   sampling: request.sampling, stopTokenIds: request.stopTokenIds.sorted(),
                                   ignoreEOS: request.ignoreEOS)
        let handle = CompletionHandle()
        runtime.submit(client, onEvent: onEvent)
        handle.setCancelAction { [runtime] in runtime.cancel(id) }
        return handle
    }

    public func status() -> ClusterStatus {
        let snapshot = runtime.snapshot()
        let config = runtime.settings.node
        var nodes: [ClusterNodeStatus] = []
        for (node, profile) in snapshot.topology.profiles {
            let shard = snapshot.placement?.shard(for: node)
            nodes.append(ClusterNodeStatus(id: node.rawValue, name: profile.name, totalMemoryBytes: profile.totalMemoryBytes,
                                           availableMemoryBytes: profile.availableMemoryBytes, layerStart: shard?.start,
                                           layerEnd: shard?.end, isSelf: node == runtime.id))
        }
        return ClusterStatus(model: config.modelName, numLayers: config.model.numLayers, strategy: config.strategy.name,
                             placementEpoch: snapshot.placement?.epoch, nodes: nodes,
                             links: snapshot.topology.linkEntries.compactMap { entry in
                                 entry.link.map { ClusterLinkStatus(from: entry.a.rawValue, to: entry.b.rawValue,
                                                                    latencySeconds: $0.latencySeconds,
                                                                    bandwidthBytesPerSecond: $0.bandwidthBytesPerSecond) }
                             })
    }
}
