/// A request as a client hands it to the node that accepts it.
public struct ClientRequest: Sendable, Equatable {
    public var id: RequestID
    public var promptTokens: [Int]
    public var maxTokens: Int
    public var sampling: SamplingParameters
    public var stopTokenIds: [Int]
    public var ignoreEOS: Bool

    public init(id: RequestID, promptTokens: [Int], maxTokens: Int, sampling: SamplingParameters = .greedy,
                stopTokenIds: [Int] = [], ignoreEOS: Bool = false) {
        self.id = id
        self.promptTokens = promptTokens
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.stopTokenIds = stopTokenIds
        self.ignoreEOS = ignoreEOS
    }
}

/// Timers a node asks its runtime to set.
public enum NodeTimer: Hashable, Sendable, Comparable {
    case heartbeat
    case requestDeadline(RequestID)
}

/// Everything that can happen to a node. `now` (nanoseconds) comes with each event.
public enum NodeEvent: Sendable, Equatable {
    /// The runtime started the node: begin heartbeats.
    case start
    /// A connection to a peer is up (the node greets it).
    case peerConnected(NodeID)
    /// The connection to a peer broke or was refused.
    case peerDisconnected(NodeID, reason: String)
    /// A measured (or, in OmniSim, known) link between two nodes: one-way latency and bandwidth.
    /// Placement uses it for new requests (e.g. `min-latency` weighs the hops).
    case linkMeasured(NodeID, NodeID, latencySeconds: Double, bandwidthBytesPerSecond: Double)
    case message(from: NodeID, PeerMessage)
    case timerFired(NodeTimer)
    case computeFinished(taskID: UInt64, ComputeOutput)
    case clientRequest(ClientRequest)
    /// The client went away or asked to stop (e.g. a stop string matched).
    case clientCancel(RequestID)
}

/// Why a request did not complete.
public enum RequestFailure: Sendable, Equatable {
    case queueFull(limit: Int)
    case doesNotFit(String)
    case invalid(String)
    case peerLost(NodeID, String)
    case timeout(seconds: Double)
    case computeFailed(node: NodeID, message: String)
    case cancelled

    public var message: String {
        switch self {
        case .queueFull(let limit): return "the node already has \(limit) requests queued; try again later"
        case .doesNotFit(let m): return m
        case .invalid(let m): return m
        case .peerLost(let node, let detail): return "node \(node) was lost while serving this request: \(detail)"
        case .timeout(let s): return String(format: "no progress from the cluster for %.1f s", s)
        case .computeFailed(let node, let m): return "node \(node) failed to compute: \(m)"
        case .cancelled: return "cancelled"
        }
    }
}

/// How a request ended, as reported at its origin.
public enum RequestOutcome: Sendable, Equatable {
    case completed(FinishReason)
    case failed(RequestFailure)
}

/// What a node asks its runtime (sockets and threads, or the simulator) to do.
public enum NodeEffect: Sendable, Equatable {
    case send(to: NodeID, PeerMessage)
    /// Run this task on the local executor and report `computeFinished`.
    case compute(ComputeTask)
    /// Free the local executor's state for a request.
    case releaseState(RequestID)
    case setTimer(NodeTimer, at: UInt64)
    case cancelTimer(NodeTimer)
    /// A token for a client of this node (the origin).
    case deliverToken(RequestID, index: Int, token: Int, logprobs: TokenLogprobs? = nil)
    case finish(RequestID, RequestOutcome)
    /// Close the connection to a peer (declared dead or misbehaving).
    case disconnect(NodeID, reason: String)
    /// A line for the operator: joins, leaves, placement changes.
    case log(String)
    case trace(NodeTraceEvent)
}

/// A timed record of what a node did, for Chrome/HDF5 traces.
public struct NodeTraceEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case queueWait = "queue_wait", compute, send, receive, sample, fault, request
    }
    public var kind: Kind
    public var node: NodeID
    public var request: RequestID?
    public var start: UInt64
    public var end: UInt64
    public var bytes: Int
    public var layers: Range<Int>?
    public var peer: NodeID?
    public var detail: String
    /// Sequence position of a forwarded activation (matches a send with its receive).
    public var position: Int?

    public init(kind: Kind, node: NodeID, request: RequestID? = nil, start: UInt64, end: UInt64, bytes: Int = 0,
                layers: Range<Int>? = nil, peer: NodeID? = nil, detail: String = "", position: Int? = nil) {
        self.position = position
        self.kind = kind
        self.node = node
        self.request = request
        self.start = start
        self.end = end
        self.bytes = bytes
        self.layers = layers
        self.peer = peer
        self.detail = detail
    }
}
