import OmniEngine

/// A device in a simulated cluster.
public struct SimulatedDevice: Sendable {
    public var node: NodeID
    public var profile: DeviceProfile
    public init(node: NodeID, profile: DeviceProfile) {
        self.node = node
        self.profile = profile
    }
}

/// One request of the workload.
public struct SimulatedArrival: Sendable, Equatable {
    /// Seconds after the cluster has formed.
    public var time: Double
    /// Node that accepts it.
    public var origin: NodeID
    public var promptTokens: Int
    public var maxTokens: Int
    public var sampling: SamplingParameters
    /// Closed-loop user that issued it (the next one follows its completion), if any.
    public var user: Int?

    public init(time: Double, origin: NodeID, promptTokens: Int, maxTokens: Int, sampling: SamplingParameters = .greedy, user: Int? = nil) {
        self.time = time
        self.origin = origin
        self.promptTokens = promptTokens
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.user = user
    }
}

/// Something going wrong at a given time.
public enum SimulatedFault: Sendable, Equatable {
    case crash(node: NodeID, at: Double, restartAt: Double?)
    case linkDown(NodeID, NodeID, at: Double, until: Double?)
    case partition([[NodeID]], at: Double, until: Double?)
    case latencySpike(extraSeconds: Double, between: (NodeID, NodeID)?, at: Double, until: Double)
    case slowDevice(node: NodeID, factor: Double, at: Double, until: Double?)

    public static func == (a: SimulatedFault, b: SimulatedFault) -> Bool { "\(a)" == "\(b)" }

    /// When the fault starts.
    public var time: Double {
        switch self {
        case .crash(_, let at, _), .linkDown(_, _, let at, _), .partition(_, let at, _),
             .latencySpike(_, _, let at, _), .slowDevice(_, _, let at, _):
            return at
        }
    }
}

/// Which executor the simulated nodes run.
public enum SimulatedExecutor {
    /// Cost model only: no weights, placeholder activations, synthetic tokens.
    case modeled
    /// Real math on a (tiny) checkpoint: the tokens are real and must equal `omni generate`'s.
    case real(Checkpoint)
}

/// Closed-loop workload: after a user's request finishes, the next one arrives after a think time.
public struct ClosedLoopUser: Sendable, Equatable {
    public var user: Int
    public var origin: NodeID
    public var thinkSeconds: Double
    public var requests: Int
    public var promptTokens: [Int]
    public var maxTokens: [Int]
}

/// Everything one simulated run needs.
public struct SimulationSetup {
    public var modelName: String
    public var model: ModelConfig
    public var weightBytes: Int
    public var devices: [SimulatedDevice]
    public var defaultLink: LinkSpec
    /// Per-pair overrides, keyed by the two node ids in sorted order.
    public var links: [LinkPairKey: LinkSpec] = [:]
    public var strategy: any PlacementStrategy
    public var arrivals: [SimulatedArrival] = []
    public var faults: [SimulatedFault] = []
    public var executor: SimulatedExecutor = .modeled
    public var seed: UInt64 = 1
    public var heartbeatSeconds: Double = 1
    public var peerTimeoutSeconds: Double = 4
    public var requestTimeoutSeconds: Double = 60
    public var maxActiveRequests: Int = 64
    public var maxQueuedRequests: Int = 1024
    public var maxContext: Int = 4096
    public var kvReservedRequests: Int = 4
    /// Safety stop for runaway experiments, in simulated seconds.
    public var timeLimitSeconds: Double = 86_400
    /// Hidden states to capture with the real executor (written to the HDF5 trace).
    public var captureActivations: ActivationCaptureSpec?
    /// Real prompts for the real executor (token ids per request index); synthetic otherwise.
    public var promptProvider: ((Int, Int) -> [Int])?

    public init(modelName: String, model: ModelConfig, weightBytes: Int, devices: [SimulatedDevice],
                defaultLink: LinkSpec, strategy: any PlacementStrategy) {
        self.modelName = modelName
        self.model = model
        self.weightBytes = weightBytes
        self.devices = devices
        self.defaultLink = defaultLink
        self.strategy = strategy
    }

    public func link(_ a: NodeID, _ b: NodeID) -> LinkSpec {
        links[LinkPairKey(a, b)] ?? defaultLink
    }
}

/// An unordered pair of nodes.
public struct LinkPairKey: Hashable, Sendable {
    public let low: NodeID
    public let high: NodeID
    public init(_ a: NodeID, _ b: NodeID) {
        (low, high) = a < b ? (a, b) : (b, a)
    }
}

extension SimulatedFault: CustomStringConvertible {
    public var description: String {
        func t(_ s: Double?) -> String { s.map { String(format: "%.3f s", $0) } ?? "never" }
        switch self {
        case .crash(let node, let at, let restart): return "crash of \(node) at \(t(at)), restart at \(t(restart))"
        case .linkDown(let a, let b, let at, let until): return "link \(a)-\(b) down at \(t(at)) until \(t(until))"
        case .partition(let groups, let at, let until):
            return "partition \(groups.map { "[" + $0.map(\.description).joined(separator: ",") + "]" }.joined(separator: " | ")) at \(t(at)) until \(t(until))"
        case .latencySpike(let extra, let pair, let at, let until):
            return String(format: "latency +%.1f ms", extra * 1e3) + " on \(pair.map { "\($0.0)-\($0.1)" } ?? "every link") at \(t(at)) until \(t(until))"
        case .slowDevice(let node, let factor, let at, let until): return "\(node) \(factor)x slower at \(t(at)) until \(t(until))"
        }
    }
}
