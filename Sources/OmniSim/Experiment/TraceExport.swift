import Foundation
import OmniEngine
import OmniHDF5

/// Writes a simulated run in OMNI's HDF5 trace schema (Docs/trace-schema.md), the same layout
/// live runs use: one file per strategy, `trace-<strategy>.h5`.
public enum TraceExport {
    public static func fileName(for strategy: String) -> String {
        "trace-" + String(strategy.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }) + ".h5"
    }

    public static func write(_ outcome: SimulationOutcome, strategy: String, experiment e: Experiment, to url: URL) throws {
        try? FileManager.default.removeItem(at: url)
        let run = TraceRunInfo(omniVersion: OmniVersion.string, runKind: .sim, command: "omni-sim",
                               experiment: "\(e.name) strategy=\(strategy)", seed: e.seed, startTimeUnixNs: 0)
        let writer = try TraceFileWriter(path: url.path, run: run)
        let nodes = e.devices.map(\.node).sorted()
        let index = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1, Int32($0)) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for node in nodes {
            let profile = e.devices.first { $0.node == node }?.profile
            let json = profile.flatMap { try? encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            try writer.add(TraceNode(index: index[node] ?? -1, name: node.description, profileJSON: json))
        }
        for a in nodes {
            for b in nodes where a < b {
                let spec = e.links[LinkPairKey(a, b)] ?? e.defaultLink
                try writer.add(TraceLink(from: index[a] ?? -1, to: index[b] ?? -1, latencyNs: Int64((spec.latencySeconds * 1e9).rounded()),
                                         bandwidthBytesPerSecond: spec.bandwidthBytesPerSecond))
            }
        }
        if let placement = outcome.placement {
            for shard in placement.shards {
                try writer.add(TracePlacement(epoch: Int64(placement.epoch), node: index[shard.node] ?? -1,
                                              layerFirst: Int32(shard.start), layerLast: Int32(shard.end - 1)))
            }
        }
        func ns(_ seconds: Double) -> Int64 { Int64((seconds * 1e9).rounded()) }
        var requestNumber: [RequestID: Int64] = [:]
        for (i, r) in outcome.requests.enumerated() {
            requestNumber[r.id] = Int64(i)
            var status = TraceRequestStatus.ok
            var error = ""
            switch r.outcome {
            case .completed?: break
            case .failed(.timeout)?: status = .timeout; error = RequestFailure.timeout(seconds: e.engine.requestTimeoutSeconds).message
            case .failed(.cancelled)?: status = .cancelled; error = "cancelled"
            case .failed(.queueFull(let l))?: status = .rejected; error = RequestFailure.queueFull(limit: l).message
            case .failed(let f)?: status = .failed; error = f.message
            case nil: status = .unfinished
            }
            try writer.add(TraceRequest(id: Int64(i), origin: index[r.id.origin] ?? -1, arrivalNs: ns(r.arrival),
                                        firstTokenNs: r.firstToken.map(ns) ?? -1, finishNs: r.finish.map(ns) ?? -1,
                                        promptTokens: Int32(r.promptTokens), outputTokens: Int32(r.tokens.count), status: status, error: error))
        }
        let kinds: [String: TraceEventKind] = ["prefill": .prefill, "decode": .decode, "send": .send, "receive": .receive,
                                               "sample": .sample, "queue_wait": .queueWait, "fault": .fault]
        var events: [TraceEvent] = []
        events.reserveCapacity(outcome.spans.count)
        for span in outcome.spans {
            guard let kind = kinds[span.kind] else { continue }
            events.append(TraceEvent(startNs: ns(span.start), endNs: ns(span.end), node: index[span.node] ?? -1, kind: kind,
                                         request: span.request.flatMap { requestNumber[$0] } ?? -1,
                                         bytes: Int64(span.bytes),
                                         layerFirst: span.layers.map { Int32($0.lowerBound) } ?? -1,
                                         layerLast: span.layers.map { Int32($0.upperBound - 1) } ?? -1,
                                         peer: span.peer.flatMap { index[$0] } ?? -1))
        }
        try writer.record(contentsOf: events)
        for a in outcome.activations {
            // The shard whose input this layer is (or the last shard for the final hidden state).
            let shard = outcome.placement?.shards.first { $0.layers.contains(a.layer) } ?? outcome.placement?.shards.last
            try writer.writeActivation(TraceActivation(request: Int64(a.request), layer: Int32(a.layer), shape: [a.positions.count, a.width],
                                                       values: a.values, positions: a.positions.map(Int64.init), dtype: "float32",
                                                       node: shard.flatMap { index[$0.node] } ?? -1,
                                                       shardFirst: Int32(shard?.start ?? -1), shardLast: Int32((shard?.end ?? 0) - 1)))
        }
        try writer.close()
    }
}
