/// Dataset names and column layouts of trace schema version 1 (Docs/trace-schema.md).
enum TraceSchema {
    static let events = "events"
    static let nodes = "nodes"
    static let links = "links"
    static let placements = "placements"
    static let requests = "requests"
    static let activations = "activations"

    static let eventColumns = make([
        ("start_ns", .int64), ("end_ns", .int64), ("node", .int32), ("kind", .int32), ("request", .int64),
        ("token_index", .int64), ("bytes", .int64), ("layer_first", .int32), ("layer_last", .int32), ("peer", .int32),
    ])
    static let nodeColumns = make([("index", .int32), ("name", .string), ("profile_json", .string)])
    static let linkColumns = make([("from", .int32), ("to", .int32), ("latency_ns", .int64),
                                   ("bandwidth_bytes_per_s", .float64)])
    static let placementColumns = make([("epoch", .int64), ("node", .int32), ("layer_first", .int32),
                                        ("layer_last", .int32)])
    static let requestColumns = make([
        ("id", .int64), ("origin", .int32), ("arrival_ns", .int64), ("first_token_ns", .int64), ("finish_ns", .int64),
        ("prompt_tokens", .int32), ("output_tokens", .int32), ("status", .int32), ("error", .string),
    ])

    private static func make(_ columns: [(String, ColumnType)]) -> CompoundSchema {
        // The column lists above are constants; a failure here is a programmer error.
        try! CompoundSchema(columns.map { Column($0.0, $0.1) })
    }

    /// Hot path: stores at the fixed packed offsets of `eventColumns` (checked by a test).
    static func encode(_ e: TraceEvent, _ row: RowEncoder) {
        let p = row.base
        p.storeBytes(of: e.startNs, toByteOffset: 0, as: Int64.self)
        p.storeBytes(of: e.endNs, toByteOffset: 8, as: Int64.self)
        p.storeBytes(of: e.node, toByteOffset: 16, as: Int32.self)
        p.storeBytes(of: e.kind.rawValue, toByteOffset: 20, as: Int32.self)
        p.storeBytes(of: e.request, toByteOffset: 24, as: Int64.self)
        p.storeBytes(of: e.tokenIndex, toByteOffset: 32, as: Int64.self)
        p.storeBytes(of: e.bytes, toByteOffset: 40, as: Int64.self)
        p.storeBytes(of: e.layerFirst, toByteOffset: 48, as: Int32.self)
        p.storeBytes(of: e.layerLast, toByteOffset: 52, as: Int32.self)
        p.storeBytes(of: e.peer, toByteOffset: 56, as: Int32.self)
    }

    static let eventOffsets = [0, 8, 16, 20, 24, 32, 40, 48, 52, 56]

    static func decodeEvent(_ r: RowDecoder) -> TraceEvent {
        TraceEvent(startNs: r.int(0), endNs: r.int(1), node: Int32(truncatingIfNeeded: r.int(2)),
                   kind: TraceEventKind(rawValue: Int32(truncatingIfNeeded: r.int(3))), request: r.int(4),
                   tokenIndex: r.int(5), bytes: r.int(6), layerFirst: Int32(truncatingIfNeeded: r.int(7)),
                   layerLast: Int32(truncatingIfNeeded: r.int(8)), peer: Int32(truncatingIfNeeded: r.int(9)))
    }

    static func encode(_ n: TraceNode, _ row: RowEncoder) {
        row.setInt(0, Int64(n.index)); row.setString(1, n.name); row.setString(2, n.profileJSON)
    }

    static func decodeNode(_ r: RowDecoder) -> TraceNode {
        TraceNode(index: Int32(truncatingIfNeeded: r.int(0)), name: r.string(1), profileJSON: r.string(2))
    }

    static func encode(_ l: TraceLink, _ row: RowEncoder) {
        row.setInt(0, Int64(l.from)); row.setInt(1, Int64(l.to)); row.setInt(2, l.latencyNs)
        row.setDouble(3, l.bandwidthBytesPerSecond)
    }

    static func decodeLink(_ r: RowDecoder) -> TraceLink {
        TraceLink(from: Int32(truncatingIfNeeded: r.int(0)), to: Int32(truncatingIfNeeded: r.int(1)),
                  latencyNs: r.int(2), bandwidthBytesPerSecond: r.double(3))
    }

    static func encode(_ p: TracePlacement, _ row: RowEncoder) {
        row.setInt(0, p.epoch); row.setInt(1, Int64(p.node)); row.setInt(2, Int64(p.layerFirst))
        row.setInt(3, Int64(p.layerLast))
    }

    static func decodePlacement(_ r: RowDecoder) -> TracePlacement {
        TracePlacement(epoch: r.int(0), node: Int32(truncatingIfNeeded: r.int(1)),
                       layerFirst: Int32(truncatingIfNeeded: r.int(2)), layerLast: Int32(truncatingIfNeeded: r.int(3)))
    }

    static func encode(_ q: TraceRequest, _ row: RowEncoder) {
        row.setInt(0, q.id); row.setInt(1, Int64(q.origin)); row.setInt(2, q.arrivalNs); row.setInt(3, q.firstTokenNs)
        row.setInt(4, q.finishNs); row.setInt(5, Int64(q.promptTokens)); row.setInt(6, Int64(q.outputTokens))
        row.setInt(7, Int64(q.status.rawValue)); row.setString(8, q.error)
    }

    static func decodeRequest(_ r: RowDecoder) -> TraceRequest {
        TraceRequest(id: r.int(0), origin: Int32(truncatingIfNeeded: r.int(1)), arrivalNs: r.int(2),
                     firstTokenNs: r.int(3), finishNs: r.int(4), promptTokens: Int32(truncatingIfNeeded: r.int(5)),
                     outputTokens: Int32(truncatingIfNeeded: r.int(6)),
                     status: TraceRequestStatus(rawValue: Int32(truncatingIfNeeded: r.int(7))), error: r.string(8))
    }
}
