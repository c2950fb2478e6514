import Foundation
import Testing
@testable import OmniHDF5

/// A trace written by h5py from the schema document alone (numpy's aligned layout, its own
/// chunking) must read back through `TraceFileReader`.
@Suite struct ForeignTraceTests {
    @Test func readerReadsATraceWrittenByH5py() throws {
        let dir = try TempDir()
        let path = dir.path("from-h5py.h5")
        let made = try H5pyCheck.python([H5pyCheck.scripts.appendingPathComponent("write_trace_h5py.py").path, path])
        try #require(made.status == 0, "\(made.output)")
        let reader = try TraceFileReader(path: path)
        #expect(reader.run == TraceRunInfo(omniVersion: "h5py-writer", runKind: .sim, experiment: "Experiments/py.json",
                                           seed: UInt64.max - 2, startTimeUnixNs: 17, clock: .virtual))
        #expect(reader.kindNames == ["prefill", "decode", "send", "receive"])
        #expect(try reader.nodes() == [TraceNode(index: 0, name: "py-a", profileJSON: "{}"),
                                       TraceNode(index: 1, name: "py-b", profileJSON: #"{"gpu":"ü"}"#)])
        #expect(try reader.links() == [TraceLink(from: 0, to: 1, latencyNs: 1_000, bandwidthBytesPerSecond: 5e8)])
        #expect(try reader.placements().count == 2)
        #expect(try reader.requests() == [TraceRequest(id: 5, origin: 1, arrivalNs: 10, finishNs: 99, promptTokens: 4,
                                                       outputTokens: 0, status: .timeout, error: "timed out")])
        let events = try reader.events()
        #expect(events.count == 300)
        #expect(events[123] == TraceEvent(startNs: 1_230, endNs: 1_235, node: 1, kind: .receive, request: 5, tokenIndex: 123,
                                          bytes: 64 * 123, layerFirst: 0, layerLast: 7, peer: -1))
        #expect(try reader.activation(request: 5, layer: 7)
            == TraceActivation(request: 5, layer: 7, shape: [2, 3], values: [0, 1, 2, 3, 4, 5], positions: [0, 1],
                               dtype: "bf16", node: 0, shardFirst: 0, shardLast: 7))
    }
}
