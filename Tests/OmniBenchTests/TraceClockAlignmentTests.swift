import Foundation
import Testing
@testable import OmniBench
import OmniHDF5

/// Clock offsets between node traces are recovered from message round trips.
@Suite struct TraceClockAlignmentTests {
    /// Writes the trace of one node whose clock reads `skew` ns ahead of true time.
    func write(_ path: String, node: String, peer: String, skew: Int64, start: Int64,
               sends: [(position: Int64, at: Int64)], receives: [(position: Int64, at: Int64)]) throws {
        let writer = try TraceFileWriter(path: path, run: TraceRunInfo(omniVersion: "test", runKind: .live, startTimeUnixNs: start))
        try writer.add(TraceNode(index: 0, name: node, profileJSON: "{}"))
        try writer.add(TraceNode(index: 1, name: peer, profileJSON: "{}"))
        for s in sends {
            try writer.record(TraceEvent(startNs: s.at + skew - start, endNs: s.at + skew - start, node: 0, kind: .send, request: 7, tokenIndex: s.position, peer: 1))
        }
        for r in receives {
            try writer.record(TraceEvent(startNs: r.at + skew - start, endNs: r.at + skew - start, node: 0, kind: .receive, request: 7, tokenIndex: r.position, peer: 1))
        }
        try writer.close()
    }

    @Test func roundTripsRecoverTheSkew() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("omni-align-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.h5").path, b = dir.appendingPathComponent("b.h5").path
        // True times (ns): a sends positions 0, 2, 4 to b; b sends 1, 3, 5 to a. Latency 200 us
        // plus queueing noise; b's clock is 3.5 ms ahead and its recorded start time 1 ms off.
        let latency: Int64 = 200_000, skew: Int64 = 3_500_000
        let aSends = [(Int64(0), Int64(1_000_000)), (2, 3_000_000), (4, 5_000_000)]
        let bSends = [(Int64(1), Int64(2_000_000)), (3, 4_000_000), (5, 6_000_000)]
        let noise: [Int64] = [0, 90_000, 40_000]
        try write(a, node: "a", peer: "b", skew: 0, start: 0,
                  sends: aSends.map { ($0.0, $0.1) },
                  receives: bSends.enumerated().map { ($1.0, $1.1 + latency + noise[$0]) })
        try write(b, node: "b", peer: "a", skew: skew, start: 1_000_000,
                  sends: bSends.map { ($0.0, $0.1) },
                  receives: aSends.enumerated().map { ($1.0, $1.1 + latency + noise[2 - $0]) })
        let estimate = try TraceClockAlignment.estimate(files: [a, b])
        #expect(estimate.measured == [true, true])
        #expect(estimate.offsetsNs[0] == 0)
        // b's times, shifted by its start time and this correction, land on a's clock.
        #expect(abs(estimate.offsetsNs[1] - (-skew)) <= 1)
        let merged = try TraceMerge.merge(files: [a, b], offsets: estimate.offsetsNs)
        let sendsAt = merged.events.filter { $0.kind == .send }.map { ($0.tokenIndex, $0.startNs) }
        for (position, t) in sendsAt {
            let truth = (aSends + bSends).first { $0.0 == position }!.1
            #expect(abs(t - truth) <= 1, "position \(position)")
        }
    }
}
