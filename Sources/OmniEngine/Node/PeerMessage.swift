/// Everything one node says to another. Encoded by `FrameCodec` on real sockets; passed as
/// values in OmniSim.
public enum PeerMessage: Sendable, Equatable {
    /// First message on a connection and whenever the sender's profile changes.
    case hello(NodeAnnouncement)
    /// Liveness; any message counts as a sign of life.
    case heartbeat
    /// Work for the receiver's shard of a request.
    case forward(ForwardMessage)
    /// A sampled token, sent by the last shard to the request's origin.
    case token(TokenMessage)
    /// The request is over (finished, cancelled or failed): free its state.
    case release(RequestID)
    /// A shard could not run the request; the origin fails it with this message.
    case failed(RequestID, String)

    /// Short name for logs and traces.
    public var kind: String {
        switch self {
        case .hello: return "hello"
        case .heartbeat: return "heartbeat"
        case .forward: return "forward"
        case .token: return "token"
        case .release: return "release"
        case .failed: return "failed"
        }
    }
}

/// A node's identity and device, as announced to peers.
public struct NodeAnnouncement: Sendable, Equatable {
    public var node: NodeID
    public var profile: DeviceProfile
    /// Name of the model the node serves; nodes serving another model are not clustered.
    public var model: String
    /// The sender's own links as it measured them (gossiped so every view converges).
    public var links: [LinkReport]

    public init(node: NodeID, profile: DeviceProfile, model: String, links: [LinkReport] = []) {
        self.node = node
        self.profile = profile
        self.model = model
        self.links = links
    }
}

/// Input for one shard of one request, stamped with the placement chosen by the origin.
public struct ForwardMessage: Sendable, Equatable {
    public var request: RequestID
    public var placement: Placement
    /// Position of the first row of `activation` in the sequence.
    public var position: Int
    public var activation: Activation
    /// Generation settings the last shard needs.
    public var settings: RequestSettings

    public init(request: RequestID, placement: Placement, position: Int, activation: Activation, settings: RequestSettings) {
        self.request = request
        self.placement = placement
        self.position = position
        self.activation = activation
        self.settings = settings
    }
}

/// What the last shard needs to sample and to decide when a request is done.
public struct RequestSettings: Sendable, Equatable {
    public var sampling: SamplingParameters
    public var maxTokens: Int
    public var promptLength: Int
    public var stopTokenIds: [Int]
    public var ignoreEOS: Bool
    /// The prompt, carried only with position 0 (for repetition penalties).
    public var promptTokens: [Int]

    public init(sampling: SamplingParameters, maxTokens: Int, promptLength: Int, stopTokenIds: [Int], ignoreEOS: Bool, promptTokens: [Int] = []) {
        self.sampling = sampling
        self.maxTokens = maxTokens
        self.promptLength = promptLength
        self.stopTokenIds = stopTokenIds
        self.ignoreEOS = ignoreEOS
        self.promptTokens = promptTokens
    }
}

/// One sampled token on its way to the origin.
public struct TokenMessage: Sendable, Equatable {
    public var request: RequestID
    /// 0 for the first generated token.
    public var index: Int
    public var token: Int
    /// Set on the last token of the request.
    public var finish: FinishReason?
    /// The token's log-probabilities, when the request asked for them.
    public var logprobs: TokenLogprobs?

    public init(request: RequestID, index: Int, token: Int, finish: FinishReason?, logprobs: TokenLogprobs? = nil) {
        self.request = request
        self.index = index
        self.token = token
        self.finish = finish
        self.logprobs = logprobs
    }
}

/// A link as one of its ends measured it.
public struct LinkReport: Sendable, Equatable {
    public var peer: NodeID
    public var latencySeconds: Double
    public var bandwidthBytesPerSecond: Double

    public init(peer: NodeID, latencySeconds: Double, bandwidthBytesPerSecond: Double) {
        self.peer = peer
        self.latencySeconds = latencySeconds
        self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
    }
}
