import Foundation

/// Reads a trace file written in schema version 1 (by `TraceFileWriter` or `TraceMerge`).
public final class TraceFileReader {
    public let path: String
    public let run: TraceRunInfo
    /// `kind_names` of `/events`: the name of each event-kind code in this file.
    public let kindNames: [String]
    /// `status_names` of `/requests`.
    public let statusNames: [String]
    let file: File

    /// Opens `path` read-only and checks the schema version and table layouts. A file that
    /// a SWMR writer still holds (or held when it was killed) is opened as a SWMR reader.
    public init(path: String) throws {
        self.path = path
        let handle: File
        do {
            handle = try File.open(path)
        } catch HDF5Error.library(_, _, let message) where message.contains("already open for write") {
            // A SWMR trace still being written, or left by a killed SWMR writer: its
            // consistency flags are set, and only a SWMR reader may open it.
            handle = try File.open(path, mode: .swmrRead)
        }
        file = handle
        func text(_ key: String) throws -> String {
            guard let value = try Self.requiredAttribute(handle, key, path).stringValue else {
                throw HDF5Error.schema(path: path, detail: "root attribute '\(key)' is not a string")
            }
            return value
        }
        func integer(_ key: String) throws -> Int64 {
            guard let value = try Self.requiredAttribute(handle, key, path).int64Value else {
                throw HDF5Error.schema(path: path, detail: "root attribute '\(key)' is not an integer")
            }
            return value
        }
        let version = try integer("schema_version")
        guard version == traceSchemaVersion else {
            throw HDF5Error.schema(path: path, detail: "schema_version \(version) is not supported (this build reads \(traceSchemaVersion))")
        }
        guard let kind = TraceRunKind(rawValue: try text("run_kind")) else {
            throw HDF5Error.schema(path: path, detail: "run_kind must be 'live' or 'sim'")
        }
        guard let clock = TraceClock(rawValue: try text("clock")) else {
            throw HDF5Error.schema(path: path, detail: "clock must be 'wall' or 'virtual'")
        }
        let seed: UInt64
        switch try Self.requiredAttribute(handle, "seed", path) {
        case .uint64(let v): seed = v
        case .int64(let v): seed = UInt64(bitPattern: v)
        default: throw HDF5Error.schema(path: path, detail: "root attribute 'seed' is not an integer")
        }
        run = TraceRunInfo(omniVersion: try text("omni_version"), runKind: kind, command: try text("command"),
                           experiment: try text("experiment"), seed: seed,
                           startTimeUnixNs: try integer("start_time_unix_ns"), clock: clock,
                           recorder: try text("recorder"))
        let events = try Self.table(handle, TraceSchema.events, TraceSchema.eventColumns, path)
        kindNames = try Self.requiredAttribute(events, "kind_names", path).stringsValue ?? []
        let requests = try Self.table(handle, TraceSchema.requests, TraceSchema.requestColumns, path)
        statusNames = try Self.requiredAttribute(requests, "status_names", path).stringsValue ?? []
    }

    private static func requiredAttribute(_ object: HDF5Object, _ key: String, _ path: String) throws -> AttributeValue {
        guard try object.hasAttribute(key) else {
            throw HDF5Error.schema(path: path, detail: "missing attribute '\(key)' on '\(object.name)'")
        }
        return try object.attribute(key)
    }

    private static func table(_ file: File, _ name: String, _ schema: CompoundSchema, _ path: String) throws -> CompoundTable {
        guard try file.contains(name) else { throw HDF5Error.schema(path: path, detail: "missing table '/\(name)'") }
        let table = try file.table(name)
        guard table.schema == schema else {
            let found = table.schema.columns.map { "\($0.name):\($0.type)" }.joined(separator: ", ")
            throw HDF5Error.schema(path: path, detail: "table '/\(name)' has columns [\(found)], not the version-1 layout")
        }
        return table
    }

    /// Number of rows in `/events`.
    public func eventCount() throws -> Int {
        try Self.table(file, TraceSchema.events, TraceSchema.eventColumns, path).storedRowCount()
    }

    /// Events in file order (all, or rows `range`).
    public func events(_ range: Range<Int>? = nil) throws -> [TraceEvent] {
        try Self.table(file, TraceSchema.events, TraceSchema.eventColumns, path).read(range, decode: TraceSchema.decodeEvent)
    }

    public func nodes() throws -> [TraceNode] {
        try Self.table(file, TraceSchema.nodes, TraceSchema.nodeColumns, path).read(decode: TraceSchema.decodeNode)
    }

    public func links() throws -> [TraceLink] {
        try Self.table(file, TraceSchema.links, TraceSchema.linkColumns, path).read(decode: TraceSchema.decodeLink)
    }

    public func placements() throws -> [TracePlacement] {
        try Self.table(file, TraceSchema.placements, TraceSchema.placementColumns, path)
            .read(decode: TraceSchema.decodePlacement)
    }

    public func requests() throws -> [TraceRequest] {
        try Self.table(file, TraceSchema.requests, TraceSchema.requestColumns, path).read(decode: TraceSchema.decodeRequest)
    }

    /// (request, layer) of every stored activation, sorted numerically.
    public func activationKeys() throws -> [(request: Int64, layer: Int32)] {
        guard try file.contains(TraceSchema.activations) else { return [] }
        let root = try file.group(TraceSchema.activations)
        var keys: [(request: Int64, layer: Int32)] = []
        for requestName in try root.childNames() {
            guard let request = Int64(requestName) else {
                throw HDF5Error.schema(path: path, detail: "activation group '\(requestName)' is not a request id")
            }
            for layerName in try root.group(requestName).childNames() {
                guard let layer = Int32(layerName) else {
                    throw HDF5Error.schema(path: path, detail: "activation '\(requestName)/\(layerName)' is not a layer number")
                }
                keys.append((request, layer))
            }
        }
        return keys.sorted { ($0.request, $0.layer) < ($1.request, $1.layer) }
    }

    /// The activation of `request` at `layer`.
    public func activation(request: Int64, layer: Int32) throws -> TraceActivation {
        let dataset = try file.dataset("\(TraceSchema.activations)/\(request)/\(layer)")
        defer { dataset.close() }
        let shard = try Self.requiredAttribute(dataset, "shard", path).int64sValue ?? []
        guard shard.count == 2 else {
            throw HDF5Error.schema(path: path, detail: "'\(dataset.name)@shard' must hold [first, last]")
        }
        return TraceActivation(
            request: request, layer: layer, shape: try dataset.shape(), values: try dataset.read(Float.self),
            positions: try Self.requiredAttribute(dataset, "positions", path).int64sValue ?? [],
            dtype: try Self.requiredAttribute(dataset, "dtype", path).stringValue ?? "",
            node: Int32(truncatingIfNeeded: try Self.requiredAttribute(dataset, "node", path).int64Value ?? -1),
            shardFirst: Int32(truncatingIfNeeded: shard[0]), shardLast: Int32(truncatingIfNeeded: shard[1]))
    }

    /// Closes the file (also done at deinit).
    public func close() { file.close() }
}
