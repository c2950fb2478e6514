// Plain result structs that the simulator fills in and the report writers read.
// They carry no behaviour: every derived figure lives in `StrategyMetrics`.

/// What one placement strategy produced in one simulated experiment.
public struct StrategyResult: Sendable, Equatable {
    /// Strategy name as registered (e.g. "ring-memory"); used for file names and labels.
    public var strategy: String
    /// Whether the strategy found a placement that fits the cluster.
    public var feasible: Bool
    /// Why the strategy is infeasible, e.g. "does not fit: needs 140.2 GiB, cluster has 96.0 GiB".
    public var infeasibleReason: String?
    /// The shard table in pipeline order (first row holds layer 0).
    public var placement: [PlacementRow]
    /// Every request the run saw, in any order (metrics sort what they read).
    public var requests: [RequestRecord]
    /// Per-device usage, in the order the report should list devices.
    public var devices: [DeviceUsage]
    /// Virtual time span of the run, in seconds.
    public var simulatedSeconds: Double
    /// The cost model's predicted seconds per output token for this placement, if any.
    public var predictedSecondsPerToken: Double?

    public init(strategy: String, feasible: Bool, infeasibleReason: String? = nil,
                placement: [PlacementRow] = [], requests: [RequestRecord] = [],
                devices: [DeviceUsage] = [], simulatedSeconds: Double = 0,
                predictedSecondsPerToken: Double? = nil) {
        self.strategy = strategy
        self.feasible = feasible
        self.infeasibleReason = infeasibleReason
        self.placement = placement
        self.requests = requests
        self.devices = devices
        self.simulatedSeconds = simulatedSeconds
        self.predictedSecondsPerToken = predictedSecondsPerToken
    }
}

/// One row of a shard table: a device and the inclusive layer range it holds.
public struct PlacementRow: Sendable, Equatable {
    /// Node (machine) name.
    public var node: String
    /// Device name on that node (e.g. "gpu0", "cpu").
    public var device: String
    /// First layer held, inclusive.
    public var firstLayer: Int
    /// Last layer held, inclusive.
    public var lastLayer: Int
    /// Bytes of weights resident on the device.
    public var weightBytes: Int
    /// Bytes reserved for KV caches on the device.
    public var kvBytes: Int

    public init(node: String, device: String, firstLayer: Int, lastLayer: Int,
                weightBytes: Int = 0, kvBytes: Int = 0) {
        self.node = node
        self.device = device
        self.firstLayer = firstLayer
        self.lastLayer = lastLayer
        self.weightBytes = weightBytes
        self.kvBytes = kvBytes
    }
}

/// The life of one request in a run; times are absolute virtual seconds.
public struct RequestRecord: Sendable, Equatable {
    /// Request id, unique within a run.
    public var id: String
    /// Node that accepted the request.
    public var origin: String
    /// When the request arrived at its origin.
    public var arrival: Double
    /// When the first output token reached the origin, if it did.
    public var firstToken: Double?
    /// When the request finished (completed or failed), if it did.
    public var finish: Double?
    /// Prompt length in tokens.
    public var promptTokens: Int
    /// Number of output tokens produced.
    public var outputTokens: Int
    /// "completed" or "failed" (any other value counts as not completed).
    public var status: String
    /// Why the request failed, if it did.
    public var error: String?
    /// Absolute time of each output token.
    public var tokenTimes: [Double]

    public init(id: String, origin: String, arrival: Double, firstToken: Double? = nil,
                finish: Double? = nil, promptTokens: Int = 0, outputTokens: Int = 0,
                status: String, error: String? = nil, tokenTimes: [Double] = []) {
        self.id = id
        self.origin = origin
        self.arrival = arrival
        self.firstToken = firstToken
        self.finish = finish
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.status = status
        self.error = error
        self.tokenTimes = tokenTimes
    }

    /// The status string of a request that completed.
    public static let completedStatus = "completed"
    /// The status string of a request that failed.
    public static let failedStatus = "failed"
}

/// How much one device worked and how much memory it held during a run.
public struct DeviceUsage: Sendable, Equatable {
    /// Node (machine) name.
    public var node: String
    /// Device name on that node.
    public var device: String
    /// Virtual seconds the device spent computing.
    public var busySeconds: Double
    /// Peak bytes of memory in use.
    public var memoryUsedBytes: Int
    /// Memory capacity in bytes.
    public var memoryCapacityBytes: Int

    public init(node: String, device: String, busySeconds: Double,
                memoryUsedBytes: Int = 0, memoryCapacityBytes: Int = 0) {
        self.node = node
        self.device = device
        self.busySeconds = busySeconds
        self.memoryUsedBytes = memoryUsedBytes
        self.memoryCapacityBytes = memoryCapacityBytes
    }
}

/// One interval of activity on a node, for traces and timeline plots.
public struct TimelineSpan: Sendable, Equatable {
    /// Node the activity happened on.
    public var node: String
    /// Activity kind: "compute", "send", "receive", "queue_wait", "fault", or any other name.
    public var kind: String
    /// Request the activity served, if any.
    public var request: String?
    /// Start, absolute virtual seconds.
    public var start: Double
    /// End, absolute virtual seconds.
    public var end: Double
    /// Short human-readable label (e.g. "layers 0-12", "hidden -> pc").
    public var label: String

    public init(node: String, kind: String, request: String? = nil,
                start: Double, end: Double, label: String = "") {
        self.node = node
        self.kind = kind
        self.request = request
        self.start = start
        self.end = end
        self.label = label
    }
}
