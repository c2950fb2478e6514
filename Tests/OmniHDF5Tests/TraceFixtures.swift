import Foundation
@testable import OmniHDF5

/// A small but complete trace: every table, attribute and activation of schema version 1.
struct TraceFixture {
    var run = TraceRunInfo(omniVersion: "0.1.0-test", runKind: .live, command: "omni serve --port 0 --name ä",
                           experiment: "", seed: UInt64.max - 1, startTimeUnixNs: 1_733_300_000_123_456_789,
                           recorder: "node-a")
    var nodes = [
        TraceNode(index: 0, name: "node-a", profileJSON: #"{"memory_gib":64,"name":"M2 Ultra"}"#),
        TraceNode(index: 1, name: "node-b", profileJSON: #"{"memory_gib":24,"name":"RTX 4090 ✓"}"#),
    ]
    var links = [
        TraceLink(from: 0, to: 1, latencyNs: 250_000, bandwidthBytesPerSecond: 1.25e9),
        TraceLink(from: 1, to: 0, latencyNs: 260_000, bandwidthBytesPerSecond: 1.2e9),
    ]
    var placements = [
        TracePlacement(epoch: 1, node: 0, layerFirst: 0, layerLast: 20),
        TracePlacement(epoch: 1, node: 1, layerFirst: 21, layerLast: 31),
    ]
    var requests = [
        TraceRequest(id: 7, origin: 0, arrivalNs: 10, firstTokenNs: 900, finishNs: 5000, promptTokens: 12,
                     outputTokens: 30, status: .ok),
        TraceRequest(id: 8, origin: 1, arrivalNs: 20, promptTokens: 3, outputTokens: 0, status: .failed,
                     error: "peer node-b unreachable — timed out"),
    ]
    var events: [TraceEvent]
    var activations = [
        TraceActivation(request: 7, layer: 3, shape: [2, 4], values: (0..<8).map { Float($0) * 0.1 - 0.3 },
                        positions: [0, 1], dtype: "bf16", node: 0, shardFirst: 0, shardLast: 20),
        TraceActivation(request: 7, layer: 21, shape: [1, 4], values: [1e-8, -2.5, .greatestFiniteMagnitude, 0],
                        positions: [12], dtype: "f32", node: 1, shardFirst: 21, shardLast: 31),
    ]

    init(eventCount: Int = 2_345) {
        events = (0..<eventCount).map(Self.event)
    }

    static func event(_ i: Int) -> TraceEvent {
        let kinds: [TraceEventKind] = [.prefill, .decode, .send, .receive, .sample, .queueWait, .fault]
        return TraceEvent(startNs: Int64(i) * 1_000, endNs: Int64(i) * 1_000 + Int64(i % 97), node: Int32(i % 2),
                          kind: kinds[i % kinds.count], request: i % 5 == 0 ? -1 : Int64(7 + i % 2),
                          tokenIndex: Int64(i / 3), bytes: Int64(i) * 4096, layerFirst: Int32(i % 32),
                          layerLast: Int32(i % 32 + 1), peer: i % 3 == 0 ? -1 : Int32(1 - i % 2))
    }

    /// Writes everything (events in the order given, with the writer's periodic flushes).
    func write(to path: String, options: TraceWriterOptions = TraceWriterOptions(flushEveryEvents: 1_000)) throws {
        let writer = try TraceFileWriter(path: path, run: run, options: options)
        for node in nodes { try writer.add(node) }
        for link in links { try writer.add(link) }
        for placement in placements { try writer.add(placement) }
        try writer.record(contentsOf: events)
        for request in requests { try writer.add(request) }
        for activation in activations { try writer.writeActivation(activation) }
        try writer.close()
    }

    /// What h5py must find after `write`, or — with `eventsOnDisk`/`withActivationsAndRequests`
    /// — in a copy taken at an earlier flush point.
    func expectation(eventsOnDisk: Int? = nil, withRequestsAndActivations: Bool = true) -> H5Expectation {
        var e = H5Expectation()
        e.attribute("/", "schema_version", dtype: "<i8", 1)
        e.attribute("/", "omni_version", dtype: "str", run.omniVersion)
        e.attribute("/", "run_kind", dtype: "str", run.runKind.rawValue)
        e.attribute("/", "command", dtype: "str", run.command)
        e.attribute("/", "experiment", dtype: "str", run.experiment)
        e.attribute("/", "seed", dtype: "<u8", run.seed)
        e.attribute("/", "start_time_unix_ns", dtype: "<i8", run.startTimeUnixNs)
        e.attribute("/", "clock", dtype: "str", run.clock.rawValue)
        e.attribute("/", "recorder", dtype: "str", run.recorder)
        e.attribute("/events", "kind_names", dtype: "str", TraceEventKind.names)
        e.attribute("/requests", "status_names", dtype: "str", TraceRequestStatus.names)
        e.table("/nodes", [("index", "<i4"), ("name", "str"), ("profile_json", "str")],
                rows: nodes.map { [$0.index, $0.name, $0.profileJSON] })
        e.table("/links", [("from", "<i4"), ("to", "<i4"), ("latency_ns", "<i8"), ("bandwidth_bytes_per_s", "<f8")],
                rows: links.map { [$0.from, $0.to, $0.latencyNs, $0.bandwidthBytesPerSecond] })
        e.table("/placements", [("epoch", "<i8"), ("node", "<i4"), ("layer_first", "<i4"), ("layer_last", "<i4")],
                rows: placements.map { [$0.epoch, $0.node, $0.layerFirst, $0.layerLast] })
        e.table("/events", [("start_ns", "<i8"), ("end_ns", "<i8"), ("node", "<i4"), ("kind", "<i4"),
                            ("request", "<i8"), ("token_index", "<i8"), ("bytes", "<i8"), ("layer_first", "<i4"),
                            ("layer_last", "<i4"), ("peer", "<i4")],
                rows: events.prefix(eventsOnDisk ?? events.count).map {
                    [$0.startNs, $0.endNs, $0.node, $0.kind.rawValue, $0.request, $0.tokenIndex, $0.bytes,
                     $0.layerFirst, $0.layerLast, $0.peer]
                })
        let shown = withRequestsAndActivations ? requests : []
        e.table("/requests", [("id", "<i8"), ("origin", "<i4"), ("arrival_ns", "<i8"), ("first_token_ns", "<i8"),
                              ("finish_ns", "<i8"), ("prompt_tokens", "<i4"), ("output_tokens", "<i4"),
                              ("status", "<i4"), ("error", "str")],
                rows: shown.map { [$0.id, $0.origin, $0.arrivalNs, $0.firstTokenNs, $0.finishNs, $0.promptTokens,
                                   $0.outputTokens, $0.status.rawValue, $0.error] })
        for a in withRequestsAndActivations ? activations : [] {
            let name = "/activations/\(a.request)/\(a.layer)"
            e.array(name, dtype: "<f4", shape: a.shape, values: a.values.map { Double($0) })
            e.attribute(name, "positions", dtype: "<i8", a.positions)
            e.attribute(name, "dtype", dtype: "str", a.dtype)
            e.attribute(name, "shard", dtype: "<i8", [Int64(a.shardFirst), Int64(a.shardLast)])
            e.attribute(name, "node", dtype: "<i8", Int64(a.node))
        }
        return e
    }
}
