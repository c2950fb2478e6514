import Foundation

/// Tuning of a `TraceFileWriter`.
public struct TraceWriterOptions: Sendable, Equatable {
    /// Events (and other rows) buffered in memory between flushes. Every time this many
    /// events have been recorded the writer flushes the file to disk.
    public var flushEveryEvents: Int
    /// Rows per chunk of `/events` and `/requests`. The writer uses at most
    /// `flushEveryEvents`: a flush that ends inside a compressed chunk makes the next flush
    /// decompress and recompress it, which costs several times the append itself.
    public var chunkRows: Int
    /// Deflate level 1...9, or nil for none. Level 1 by default: deflate dominates the cost
    /// of tracing, and level 1 roughly halves it against level 4 for a slightly larger file.
    public var deflateLevel: Int?
    public var shuffle: Bool
    /// Write in HDF5 single-writer/multiple-reader mode, so that readers opening with
    /// `swmr=True` (h5py) or `.swmrRead` can follow the trace while it is written. The file
    /// then uses the HDF5 1.10 format, and activations cannot be written (HDF5 1.10 cannot
    /// create objects in SWMR mode).
    public var swmr: Bool

    public init(flushEveryEvents: Int = 65_536, chunkRows: Int = 16_384, deflateLevel: Int? = 1, shuffle: Bool = true,
                swmr: Bool = false) {
        self.flushEveryEvents = flushEveryEvents
        self.chunkRows = chunkRows
        self.deflateLevel = deflateLevel
        self.shuffle = shuffle
        self.swmr = swmr
    }
}

/// Writes a trace file in schema version 1 (Docs/trace-schema.md).
///
/// Rows are buffered in memory and reach the file only at flush points: every
/// `flushEveryEvents` events, on `flush()`, after `writeActivation`, and on `close()`.
/// Between flush points the writer makes no HDF5 call on the file, so if the process is
/// killed the file on disk is a valid HDF5 file holding everything up to the last flush.
public final class TraceFileWriter {
    public let path: String
    public let run: TraceRunInfo
    public let options: TraceWriterOptions
    private let file: File
    private let events: CompoundTable
    private let nodes: CompoundTable
    private let links: CompoundTable
    private let placements: CompoundTable
    private let requests: CompoundTable
    private var closed = false
    /// Events recorded so far (flushed or not).
    public private(set) var eventCount = 0
    /// Events known to be on disk (as of the last flush).
    public private(set) var flushedEventCount = 0

    /// Creates (truncating) `path` with the root attributes and empty tables.
    public init(path: String, run: TraceRunInfo, options: TraceWriterOptions = TraceWriterOptions()) throws {
        guard options.flushEveryEvents > 0 else {
            throw HDF5Error.invalidValue(path: path, object: "flushEveryEvents", detail: "must be positive")
        }
        self.path = path
        self.run = run
        self.options = options
        file = try File.create(path, swmrCapable: options.swmr)
        let table = TableOptions(chunkRows: min(options.chunkRows, options.flushEveryEvents), deflateLevel: options.deflateLevel,
                                 shuffle: options.shuffle, bufferRows: options.flushEveryEvents)
        let small = TableOptions(chunkRows: 1024, deflateLevel: options.deflateLevel, shuffle: options.shuffle,
                                 bufferRows: options.flushEveryEvents)
        try file.setAttribute("schema_version", .int64(traceSchemaVersion))
        try file.setAttribute("omni_version", .string(run.omniVersion))
        try file.setAttribute("run_kind", .string(run.runKind.rawValue))
        try file.setAttribute("command", .string(run.command))
        try file.setAttribute("experiment", .string(run.experiment))
        try file.setAttribute("seed", .uint64(run.seed))
        try file.setAttribute("start_time_unix_ns", .int64(run.startTimeUnixNs))
        try file.setAttribute("clock", .string(run.clock.rawValue))
        try file.setAttribute("recorder", .string(run.recorder))
        nodes = try file.createTable(TraceSchema.nodes, schema: TraceSchema.nodeColumns, options: small)
        links = try file.createTable(TraceSchema.links, schema: TraceSchema.linkColumns, options: small)
        placements = try file.createTable(TraceSchema.placements, schema: TraceSchema.placementColumns, options: small)
        requests = try file.createTable(TraceSchema.requests, schema: TraceSchema.requestColumns, options: table)
        try requests.setAttribute("status_names", .strings(TraceRequestStatus.names))
        events = try file.createTable(TraceSchema.events, schema: TraceSchema.eventColumns, options: table)
        try events.setAttribute("kind_names", .strings(TraceEventKind.names))
        try file.createGroup(TraceSchema.activations)
        try file.flush()
        if options.swmr { try file.startSWMRWrite() }
    }

    /// Closes without reporting errors; call `close()` to see them.
    deinit { try? close() }

    /// Sets an extra root attribute (beyond the schema's), e.g. provenance of a merged trace.
    /// In SWMR mode only before the first row is written.
    public func setRootAttribute(_ name: String, _ value: AttributeValue) throws {
        try ensureOpen()
        try file.setAttribute(name, value)
    }

    /// Records a node (its `index` is what events refer to).
    public func add(_ node: TraceNode) throws { try append(nodes) { TraceSchema.encode(node, $0) } }
    /// Records a link.
    public func add(_ link: TraceLink) throws { try append(links) { TraceSchema.encode(link, $0) } }
    /// Records one node's shard in a placement epoch.
    public func add(_ placement: TracePlacement) throws { try append(placements) { TraceSchema.encode(placement, $0) } }
    /// Records a finished (or abandoned) request.
    public func add(_ request: TraceRequest) throws { try append(requests) { TraceSchema.encode(request, $0) } }

    /// Records an event; flushes the file every `flushEveryEvents` events.
    public func record(_ event: TraceEvent) throws {
        try append(events) { TraceSchema.encode(event, $0) }
        eventCount += 1
        if events.bufferedRowCount >= options.flushEveryEvents { try flush() }
    }

    /// Records events in order.
    public func record<S: Sequence>(contentsOf events: S) throws where S.Element == TraceEvent {
        for event in events { try record(event) }
    }

    /// Writes an activation to `/activations/<request>/<layer>` and flushes the file.
    public func writeActivation(_ activation: TraceActivation) throws {
        try ensureOpen()
        if options.swmr {
            throw HDF5Error.invalidValue(path: path, object: "/activations",
                                         detail: "activations cannot be written in SWMR mode (HDF5 1.10 cannot create datasets then)")
        }
        let name = "\(TraceSchema.activations)/\(activation.request)/\(activation.layer)"
        guard activation.shape.reduce(1, *) == activation.values.count else {
            throw HDF5Error.shapeMismatch(path: path, object: "/" + name,
                                          detail: "\(activation.values.count) values for shape \(activation.shape)")
        }
        try flushTables()
        let storage: StorageOptions = activation.values.isEmpty || activation.shape.isEmpty ? .contiguous
            : StorageOptions(chunk: Self.activationChunk(activation.shape), deflateLevel: options.deflateLevel,
                             shuffle: options.shuffle)
        let dataset = try file.createDataset(name, type: .float32, shape: activation.shape, storage: storage)
        defer { dataset.close() }
        try dataset.write(activation.values)
        try dataset.setAttribute("positions", .int64s(activation.positions))
        try dataset.setAttribute("dtype", .string(activation.dtype))
        try dataset.setAttribute("shard", .int64s([Int64(activation.shardFirst), Int64(activation.shardLast)]))
        try dataset.setAttribute("node", .int64(Int64(activation.node)))
        try file.flush()
        flushedEventCount = eventCount
    }

    /// Chunk shape of about 1 MiB or less: whole rows along dimension 0.
    static func activationChunk(_ shape: [Int]) -> [Int] {
        let rowElements = max(shape.dropFirst().reduce(1, *), 1)
        let rows = max(1, min(max(shape[0], 1), (1 << 18) / rowElements))
        return [rows] + shape.dropFirst().map { max($0, 1) }
    }

    /// Writes every buffered row and flushes the file to disk.
    public func flush() throws {
        try ensureOpen()
        try flushTables()
        try file.flush()
        flushedEventCount = eventCount
    }

    /// Flushes and closes the file. Safe to call more than once.
    public func close() throws {
        guard !closed else { return }
        defer {
            closed = true
            for table in [events, nodes, links, placements, requests] { table.close() }
            file.close()
        }
        try flush()
    }

    private func flushTables() throws {
        for table in [nodes, links, placements, requests, events] { try table.flush() }
    }

    private func ensureOpen() throws {
        if closed { throw HDF5Error.closed(path: path, object: "trace writer") }
    }

    /// Buffers a row; a full buffer triggers a whole-file flush first, so that tables only
    /// touch the file at flush points.
    private func append(_ table: CompoundTable, _ fill: (RowEncoder) -> Void) throws {
        try ensureOpen()
        if table.bufferedRowCount >= table.options.bufferRows { try flush() }
        try table.appendRow(fill)
    }
}
