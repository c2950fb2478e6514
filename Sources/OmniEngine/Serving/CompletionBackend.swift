import Foundation

/// A generation request as an API front end hands it to whatever serves the model: this device
/// alone, or the cluster through this node.
public struct CompletionRequest: Sendable, Equatable {
    public var promptTokens: [Int]
    public var maxTokens: Int
    public var sampling: SamplingParameters
    public var stopTokenIds: Set<Int>
    public var ignoreEOS: Bool

    public init(promptTokens: [Int], maxTokens: Int, sampling: SamplingParameters = .greedy,
                stopTokenIds: Set<Int> = [], ignoreEOS: Bool = false) {
        self.promptTokens = promptTokens
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.stopTokenIds = stopTokenIds
        self.ignoreEOS = ignoreEOS
    }
}

/// Why a backend could not complete a request, mapped by the API to an HTTP status.
public enum CompletionFailure: Sendable, Equatable, LocalizedError {
    /// Too many requests waiting (429).
    case queueFull(String)
    /// The model does not fit in the cluster's memory (503), with the figures.
    case doesNotFit(String)
    /// The request itself is wrong (400).
    case invalid(String)
    /// A node was lost, a timeout passed, or compute failed (500/503).
    case unavailable(String)
    case cancelled

    public var errorDescription: String? {
        switch self {
        case .queueFull(let m), .doesNotFit(let m), .invalid(let m), .unavailable(let m): return m
        case .cancelled: return "cancelled"
        }
    }

    /// The failure a node reports, in the backend's terms.
    public init(_ failure: RequestFailure) {
        switch failure {
        case .queueFull: self = .queueFull(failure.message)
        case .doesNotFit(let m): self = .doesNotFit(m)
        case .invalid(let m): self = .invalid(m)
        case .cancelled: self = .cancelled
        default: self = .unavailable(failure.message)
        }
    }
}

/// What a backend reports while it serves a request. Exactly one `finished` or `failed` ends it.
public enum CompletionEvent: Sendable, Equatable {
    case token(Int)
    /// Log-probabilities of the token just reported (only when the request asked for them).
    case logprobs(TokenLogprobs)
    case finished(FinishReason)
    case failed(CompletionFailure)
}

/// Lets the caller stop a request (client went away, stop string matched).
public final class CompletionHandle: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var onCancel: (() -> Void)?

    public init(onCancel: (() -> Void)? = nil) { self.onCancel = onCancel }

    public var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled }

    /// Sets what cancelling does (a backend may learn it after creating the handle).
    public func setCancelAction(_ action: @escaping () -> Void) {
        lock.lock()
        let already = cancelled
        onCancel = action
        lock.unlock()
        if already { action() }
    }

    public func cancel() {
        lock.lock()
        guard !cancelled else { lock.unlock(); return }
        cancelled = true
        let action = onCancel
        lock.unlock()
        action?()
    }
}

/// One node of the cluster as the status endpoints show it.
public struct ClusterNodeStatus: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var totalMemoryBytes: Int
    public var availableMemoryBytes: Int
    /// Layers [start, end) in the current placement, if any.
    public var layerStart: Int?
    public var layerEnd: Int?
    public var isSelf: Bool
}

/// The cluster as one node sees it, for `GET /v1/topology` and the web page.
public struct ClusterStatus: Codable, Sendable, Equatable {
    public var model: String
    public var numLayers: Int
    public var strategy: String
    public var placementEpoch: UInt64?
    public var nodes: [ClusterNodeStatus]
    public var links: [ClusterLinkStatus]
}

/// A measured link between two nodes.
public struct ClusterLinkStatus: Codable, Sendable, Equatable {
    public var from: String
    public var to: String
    public var latencySeconds: Double?
    public var bandwidthBytesPerSecond: Double?
}

/// Whatever serves completions for an API: one device, or the cluster through this node.
public protocol CompletionBackend: AnyObject, Sendable {
    /// The served model: name, tokenizer, chat template, stop tokens.
    var model: LocalModel { get }
    /// Starts a request; `onEvent` is called from the backend's threads, in order.
    func submit(_ request: CompletionRequest, onEvent: @escaping @Sendable (CompletionEvent) -> Void) -> CompletionHandle
    func status() -> ClusterStatus
}
