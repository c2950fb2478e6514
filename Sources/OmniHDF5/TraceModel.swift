import Foundation

/// Version of the trace layout written by `TraceFileWriter` (see Docs/trace-schema.md).
public let traceSchemaVersion: Int64 = 1

/// Whether a trace comes from real nodes or from the simulator.
public enum TraceRunKind: String, Sendable, Equatable {
    case live, sim
}

/// The clock that `*_ns` times are measured on.
public enum TraceClock: String, Sendable, Equatable {
    /// Wall-clock nanoseconds since `startTimeUnixNs` (live runs).
    case wall
    /// The simulator's virtual nanoseconds, starting at 0.
    case virtual
}

/// Root attributes of a trace file.
public struct TraceRunInfo: Sendable, Equatable {
    public var omniVersion: String
    public var runKind: TraceRunKind
    /// Command line of a live run ("" when not applicable).
    public var command: String
    /// Experiment name or file of a simulated run ("" when not applicable).
    public var experiment: String
    public var seed: UInt64
    /// Unix time (ns) that `*_ns` times count from when `clock` is `.wall`; when the run started.
    public var startTimeUnixNs: Int64
    public var clock: TraceClock
    /// Name of the node that recorded this file ("" for simulated or merged traces).
    public var recorder: String

    public init(omniVersion: String, runKind: TraceRunKind, command: String = "", experiment: String = "",
                seed: UInt64 = 0, startTimeUnixNs: Int64, clock: TraceClock? = nil, recorder: String = "") {
        self.omniVersion = omniVersion
        self.runKind = runKind
        self.command = command
        self.experiment = experiment
        self.seed = seed
        self.startTimeUnixNs = startTimeUnixNs
        self.clock = clock ?? (runKind == .sim ? .virtual : .wall)
        self.recorder = recorder
    }
}

/// What an event records. Codes are stable: new kinds get new codes, and every file stores
/// the code-to-name table in the `kind_names` attribute of `/events`.
public struct TraceEventKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let prefill = TraceEventKind(rawValue: 0)
    public static let decode = TraceEventKind(rawValue: 1)
    public static let send = TraceEventKind(rawValue: 2)
    public static let receive = TraceEventKind(rawValue: 3)
    public static let sample = TraceEventKind(rawValue: 4)
    public static let queueWait = TraceEventKind(rawValue: 5)
    public static let fault = TraceEventKind(rawValue: 6)
    public static let admit = TraceEventKind(rawValue: 7)
    public static let finish = TraceEventKind(rawValue: 8)
    public static let cancel = TraceEventKind(rawValue: 9)
    public static let peerUp = TraceEventKind(rawValue: 10)
    public static let peerDown = TraceEventKind(rawValue: 11)
    public static let placementChange = TraceEventKind(rawValue: 12)

    /// Names indexed by code, as written to `kind_names`.
    public static let names: [String] = [
        "prefill", "decode", "send", "receive", "sample", "queue_wait", "fault", "admit", "finish", "cancel",
        "peer_up", "peer_down", "placement_change",
    ]

    public var description: String {
        Self.names.indices.contains(Int(rawValue)) ? Self.names[Int(rawValue)] : "kind_\(rawValue)"
    }
}

/// One row of `/events`. Optional fields use -1 for "none" (bytes uses 0).
public struct TraceEvent: Sendable, Equatable {
    public var startNs: Int64
    public var endNs: Int64
    /// Index into `/nodes` of the node where it happened.
    public var node: Int32
    public var kind: TraceEventKind
    public var request: Int64
    public var tokenIndex: Int64
    public var bytes: Int64
    public var layerFirst: Int32
    /// Inclusive.
    public var layerLast: Int32
    /// Index into `/nodes` of the other end of a send/receive.
    public var peer: Int32

    public init(startNs: Int64, endNs: Int64, node: Int32, kind: TraceEventKind, request: Int64 = -1,
                tokenIndex: Int64 = -1, bytes: Int64 = 0, layerFirst: Int32 = -1, layerLast: Int32 = -1,
                peer: Int32 = -1) {
        self.startNs = startNs
        self.endNs = endNs
        self.node = node
        self.kind = kind
        self.request = request
        self.tokenIndex = tokenIndex
        self.bytes = bytes
        self.layerFirst = layerFirst
        self.layerLast = layerLast
        self.peer = peer
    }
}

/// One row of `/nodes`: index (used by events), name, and the device profile as JSON.
public struct TraceNode: Sendable, Equatable {
    public var index: Int32
    public var name: String
    public var profileJSON: String
    public init(index: Int32, name: String, profileJSON: String) {
        self.index = index
        self.name = name
        self.profileJSON = profileJSON
    }
}

/// One row of `/links`: a directed link between two node indices.
public struct TraceLink: Sendable, Equatable {
    public var from: Int32
    public var to: Int32
    public var latencyNs: Int64
    public var bandwidthBytesPerSecond: Double
    public init(from: Int32, to: Int32, latencyNs: Int64, bandwidthBytesPerSecond: Double) {
        self.from = from
        self.to = to
        self.latencyNs = latencyNs
        self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
    }
}

/// One row of `/placements`: in placement `epoch`, `node` holds layers `layerFirst...layerLast`.
public struct TracePlacement: Sendable, Equatable {
    public var epoch: Int64
    public var node: Int32
    public var layerFirst: Int32
    /// Inclusive.
    public var layerLast: Int32
    public init(epoch: Int64, node: Int32, layerFirst: Int32, layerLast: Int32) {
        self.epoch = epoch
        self.node = node
        self.layerFirst = layerFirst
        self.layerLast = layerLast
    }
}

/// How a request ended. Codes are stored; names go to the `status_names` attribute.
public struct TraceRequestStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let ok = TraceRequestStatus(rawValue: 0)
    public static let cancelled = TraceRequestStatus(rawValue: 1)
    public static let timeout = TraceRequestStatus(rawValue: 2)
    public static let failed = TraceRequestStatus(rawValue: 3)
    public static let rejected = TraceRequestStatus(rawValue: 4)
    public static let unfinished = TraceRequestStatus(rawValue: 5)
    /// Names indexed by code, as written to `status_names`.
    public static let names = ["ok", "cancelled", "timeout", "failed", "rejected", "unfinished"]
    public var description: String {
        Self.names.indices.contains(Int(rawValue)) ? Self.names[Int(rawValue)] : "status_\(rawValue)"
    }
}

/// One row of `/requests`. Times are -1 when the moment never came.
public struct TraceRequest: Sendable, Equatable {
    public var id: Int64
    /// Index into `/nodes` of the node that accepted the request.
    public var origin: Int32
    public var arrivalNs: Int64
    public var firstTokenNs: Int64
    public var finishNs: Int64
    public var promptTokens: Int32
    public var outputTokens: Int32
    public var status: TraceRequestStatus
    /// Error message ("" when none).
    public var error: String
    public init(id: Int64, origin: Int32, arrivalNs: Int64, firstTokenNs: Int64 = -1, finishNs: Int64 = -1,
                promptTokens: Int32, outputTokens: Int32, status: TraceRequestStatus, error: String = "") {
        self.id = id
        self.origin = origin
        self.arrivalNs = arrivalNs
        self.firstTokenNs = firstTokenNs
        self.finishNs = finishNs
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.status = status
        self.error = error
    }
}

/// Hidden states captured at `/activations/<request>/<layer>`: float32 values of `shape`
/// (row-major), the token `positions` they cover, the source `dtype`, and the shard
/// (node and inclusive layer range) that produced them.
public struct TraceActivation: Sendable, Equatable {
    public var request: Int64
    public var layer: Int32
    public var shape: [Int]
    public var values: [Float]
    public var positions: [Int64]
    public var dtype: String
    public var node: Int32
    public var shardFirst: Int32
    public var shardLast: Int32
    public init(request: Int64, layer: Int32, shape: [Int], values: [Float], positions: [Int64], dtype: String,
                node: Int32, shardFirst: Int32, shardLast: Int32) {
        self.request = request
        self.layer = layer
        self.shape = shape
        self.values = values
        self.positions = positions
        self.dtype = dtype
        self.node = node
        self.shardFirst = shardFirst
        self.shardLast = shardLast
    }
}
