import Foundation
import Testing
@testable import OmniHDF5

/// A killed process leaves the file as it was at the writer's last flush. These tests copy
/// the file's bytes while the writer is still open (what SIGKILL would leave on disk) and
/// read the copy with h5py and with `TraceFileReader`.
@Suite struct CrashSafetyTests {
    @Test func copyTakenBetweenFlushesHoldsEveryEventUpToTheLastFlush() throws {
        let dir = try TempDir()
        let path = dir.path("live.h5")
        let fixture = TraceFixture(eventCount: 2_345)
        let writer = try TraceFileWriter(path: path, run: fixture.run,
                                          options: TraceWriterOptions(flushEveryEvents: 500, chunkRows: 300))
        for node in fixture.nodes { try writer.add(node) }
        for link in fixture.links { try writer.add(link) }
        for placement in fixture.placements { try writer.add(placement) }
        var snapshots: [(copy: String, flushed: Int)] = []
        for (index, event) in fixture.events.enumerated() {
            try writer.record(event)
            if index == 1_234 || index == 2_000 {
                let copy = dir.path("killed-at-\(index).h5")
                try FileManager.default.copyItem(atPath: path, toPath: copy)
                snapshots.append((copy, writer.flushedEventCount))
            }
        }
        #expect(snapshots.map(\.flushed) == [1_000, 2_000])
        for snapshot in snapshots {
            let expectation = fixture.expectation(eventsOnDisk: snapshot.flushed, withRequestsAndActivations: false)
            let result = try H5pyCheck.run(file: snapshot.copy, expectation: expectation, in: dir)
            #expect(result.status == 0, "copy at \(snapshot.flushed): \(result.output)")
            let reader = try TraceFileReader(path: snapshot.copy)
            #expect(try reader.events() == Array(fixture.events.prefix(snapshot.flushed)))
            #expect(try reader.nodes() == fixture.nodes)
        }
        try writer.close()
        #expect(try TraceFileReader(path: path).events() == fixture.events)
    }

    @Test func explicitFlushAndActivationsAreFlushPoints() throws {
        let dir = try TempDir()
        let path = dir.path("live.h5")
        let fixture = TraceFixture(eventCount: 40)
        let writer = try TraceFileWriter(path: path, run: fixture.run,
                                          options: TraceWriterOptions(flushEveryEvents: 1_000_000))
        for node in fixture.nodes { try writer.add(node) }
        for link in fixture.links { try writer.add(link) }
        for placement in fixture.placements { try writer.add(placement) }
        try writer.record(contentsOf: fixture.events.prefix(25))
        try writer.flush()
        try writer.record(contentsOf: fixture.events.dropFirst(25))
        for request in fixture.requests { try writer.add(request) }
        let beforeActivations = dir.path("before-activations.h5")
        try FileManager.default.copyItem(atPath: path, toPath: beforeActivations)
        for activation in fixture.activations { try writer.writeActivation(activation) }
        let afterActivations = dir.path("after-activations.h5")
        try FileManager.default.copyItem(atPath: path, toPath: afterActivations)

        let early = try H5pyCheck.run(file: beforeActivations,
                                      expectation: fixture.expectation(eventsOnDisk: 25, withRequestsAndActivations: false),
                                      in: dir)
        #expect(early.status == 0, "\(early.output)")
        let late = try H5pyCheck.run(file: afterActivations, expectation: fixture.expectation(), in: dir)
        #expect(late.status == 0, "\(late.output)")
        try writer.close()
    }
}
