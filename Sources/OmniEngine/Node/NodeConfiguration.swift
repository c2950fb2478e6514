/// Settings of one node: who it is, what it serves, how it places models and its time limits.
public struct NodeConfiguration {
    public var id: NodeID
    public var profile: DeviceProfile
    public var modelName: String
    public var model: ModelConfig
    /// Bytes per weight in the served checkpoint (2 for BF16/F16, 4 for F32).
    public var weightBytes: Int
    public var strategy: any PlacementStrategy
    /// Interval between heartbeats, nanoseconds.
    public var heartbeatInterval: UInt64 = 1_000_000_000
    /// A peer silent for this long is declared dead, nanoseconds.
    public var peerTimeout: UInt64 = 4_000_000_000
    /// A request with no new token for this long fails, nanoseconds.
    public var requestTimeout: UInt64 = 60_000_000_000
    /// Requests this node runs as origin at once; more wait in a queue.
    public var maxActiveRequests: Int = 8
    /// Requests that may wait; beyond that new ones are refused.
    public var maxQueuedRequests: Int = 64
    /// Longest context a request may use, for KV sizing in placement.
    public var maxContext: Int = 2048
    /// Requests whose full-context KV caches placement reserves memory for.
    public var kvReservedRequests: Int = 4

    public init(id: NodeID, profile: DeviceProfile, modelName: String, model: ModelConfig, weightBytes: Int,
                strategy: any PlacementStrategy) {
        self.id = id
        self.profile = profile
        self.modelName = modelName
        self.model = model
        self.weightBytes = weightBytes
        self.strategy = strategy
    }
}
