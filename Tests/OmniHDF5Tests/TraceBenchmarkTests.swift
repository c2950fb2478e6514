import Foundation
import Testing
@testable import OmniHDF5

/// Behaviour only: the benchmark writes what it claims. No timing is asserted.
@Suite struct TraceBenchmarkTests {
    @Test func benchmarkWritesAReadableTraceAndConsistentFigures() throws {
        let dir = try TempDir()
        let path = dir.path("bench.h5")
        let figures = try TraceBenchmark.measureEventAppend(path: path, events: 5_000,
                                                            options: TraceWriterOptions(flushEveryEvents: 1_024))
        #expect(figures.events == 5_000)
        #expect(figures.rawEventBytes == 5_000 * 60)
        #expect(figures.fileBytes > 0)
        let reader = try TraceFileReader(path: path)
        let events = try reader.events()
        #expect(events.count == 5_000)
        #expect(events[4_321] == TraceBenchmark.syntheticEvent(4_321))
        #expect(try reader.nodes().count == 8)
    }
}
