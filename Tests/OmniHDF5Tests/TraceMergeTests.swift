import Foundation
import Testing
@testable import OmniHDF5

@Suite struct TraceMergeTests {
    /// Two nodes' own files: each lists the nodes in its own order and started its clock at a
    /// different wall time; node-b's clock also runs 5 µs ahead.
    @Test func perNodeFilesMergeOntoOneClockAndOneNodeNumbering() throws {
        let dir = try TempDir()
        let a = dir.path("node-a.h5")
        let b = dir.path("node-b.h5")
        let profileA = #"{"memory_gib":64}"#
        let profileB = #"{"memory_gib":24}"#
        let runA = TraceRunInfo(omniVersion: "1", runKind: .live, command: "omni serve", startTimeUnixNs: 1_000_000,
                                recorder: "node-a")
        var runB = runA
        runB.startTimeUnixNs = 1_002_000
        runB.recorder = "node-b"

        let writerA = try TraceFileWriter(path: a, run: runA)
        try writerA.add(TraceNode(index: 0, name: "node-a", profileJSON: profileA))
        try writerA.add(TraceNode(index: 1, name: "node-b", profileJSON: profileB))
        try writerA.add(TraceLink(from: 0, to: 1, latencyNs: 100, bandwidthBytesPerSecond: 1e9))
        try writerA.add(TracePlacement(epoch: 1, node: 0, layerFirst: 0, layerLast: 9))
        try writerA.add(TracePlacement(epoch: 1, node: 1, layerFirst: 10, layerLast: 15))
        try writerA.record(TraceEvent(startNs: 100, endNs: 400, node: 0, kind: .prefill, request: 1, layerFirst: 0, layerLast: 9))
        try writerA.record(TraceEvent(startNs: 400, endNs: 450, node: 0, kind: .send, request: 1, bytes: 8192, peer: 1))
        try writerA.record(TraceEvent(startNs: 3_000, endNs: 3_050, node: 0, kind: .receive, request: 1, peer: 1))
        try writerA.add(TraceRequest(id: 1, origin: 0, arrivalNs: 50, firstTokenNs: 3_050, finishNs: 3_100,
                                     promptTokens: 4, outputTokens: 1, status: .ok))
        try writerA.writeActivation(TraceActivation(request: 1, layer: 9, shape: [1, 2], values: [1, 2], positions: [3],
                                                    dtype: "f32", node: 0, shardFirst: 0, shardLast: 9))
        try writerA.close()

        let writerB = try TraceFileWriter(path: b, run: runB)
        try writerB.add(TraceNode(index: 0, name: "node-b", profileJSON: profileB))
        try writerB.add(TraceNode(index: 1, name: "node-a", profileJSON: profileA))
        try writerB.add(TraceLink(from: 1, to: 0, latencyNs: 100, bandwidthBytesPerSecond: 1e9)) // duplicate of A's
        try writerB.add(TraceLink(from: 0, to: 1, latencyNs: 120, bandwidthBytesPerSecond: 2e9))
        try writerB.add(TracePlacement(epoch: 1, node: 1, layerFirst: 0, layerLast: 9)) // duplicate of A's
        try writerB.add(TracePlacement(epoch: 1, node: 0, layerFirst: 10, layerLast: 15))
        // B's local times: its origin is 2000 ns later and its clock is 5000 ns fast.
        try writerB.record(TraceEvent(startNs: 5_000 - 2_000 + 500, endNs: 5_000 - 2_000 + 900, node: 0, kind: .decode,
                                      request: 1, tokenIndex: 0, layerFirst: 10, layerLast: 15))
        try writerB.record(TraceEvent(startNs: 5_000 - 2_000 + 450, endNs: 5_000 - 2_000 + 500, node: 0, kind: .receive,
                                      request: 1, bytes: 8192, peer: 1))
        try writerB.writeActivation(TraceActivation(request: 1, layer: 15, shape: [2], values: [3, 4], positions: [3],
                                                    dtype: "f32", node: 0, shardFirst: 10, shardLast: 15))
        try writerB.close()

        let output = dir.path("merged.h5")
        let merged = try TraceMerge.merge(files: [a, b], offsets: [0, -5_000], into: output)
        #expect(merged.appliedShiftsNs == [0, -3_000])

        let reader = try TraceFileReader(path: output)
        #expect(reader.run.recorder == "")
        #expect(reader.run.startTimeUnixNs == 1_000_000)
        #expect(try reader.nodes() == [TraceNode(index: 0, name: "node-a", profileJSON: profileA),
                                       TraceNode(index: 1, name: "node-b", profileJSON: profileB)])
        #expect(try reader.links() == [TraceLink(from: 0, to: 1, latencyNs: 100, bandwidthBytesPerSecond: 1e9),
                                       TraceLink(from: 1, to: 0, latencyNs: 120, bandwidthBytesPerSecond: 2e9)])
        #expect(try reader.placements() == [TracePlacement(epoch: 1, node: 0, layerFirst: 0, layerLast: 9),
                                            TracePlacement(epoch: 1, node: 1, layerFirst: 10, layerLast: 15)])
        #expect(try reader.events().map { "\($0.startNs)-\($0.endNs) n\($0.node) \($0.kind) p\($0.peer)" } == [
            "100-400 n0 prefill p-1", "400-450 n0 send p1", "450-500 n1 receive p0", "500-900 n1 decode p-1",
            "3000-3050 n0 receive p1",
        ])
        #expect(try reader.requests().map(\.id) == [1])
        #expect(try reader.activationKeys().map { "\($0.request)/\($0.layer)" } == ["1/9", "1/15"])
        #expect(try reader.activation(request: 1, layer: 15).node == 1)
        let file = try File.open(output)
        #expect(try file.attribute("merged_from") == .strings([a, b]))
        #expect(try file.attribute("clock_shifts_ns") == .int64s([0, -3_000]))
    }

    @Test func mergeRejectsMismatchedOffsetsAndClocks() throws {
        let dir = try TempDir()
        let live = dir.path("live.h5")
        let sim = dir.path("sim.h5")
        try TraceFileWriter(path: live, run: TraceRunInfo(omniVersion: "1", runKind: .live, startTimeUnixNs: 0)).close()
        try TraceFileWriter(path: sim, run: TraceRunInfo(omniVersion: "1", runKind: .sim, startTimeUnixNs: 0)).close()
        #expect(throws: HDF5Error.self) { try TraceMerge.merge(files: [live, sim], offsets: [0]) }
        #expect(throws: HDF5Error.self) { try TraceMerge.merge(files: [live, sim]) }
        #expect(throws: HDF5Error.self) { try TraceMerge.merge(files: []) }
    }
}
