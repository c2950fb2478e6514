import Foundation
import Testing
@testable import OmniHDF5

@Suite struct TraceRoundTripTests {
    @Test func everyTableAndAttributeRoundTripsInSwift() throws {
        let dir = try TempDir()
        let path = dir.path("trace.h5")
        let fixture = TraceFixture()
        try fixture.write(to: path)
        let reader = try TraceFileReader(path: path)
        #expect(reader.run == fixture.run)
        #expect(reader.kindNames == TraceEventKind.names)
        #expect(reader.statusNames == TraceRequestStatus.names)
        #expect(try reader.nodes() == fixture.nodes)
        #expect(try reader.links() == fixture.links)
        #expect(try reader.placements() == fixture.placements)
        #expect(try reader.requests() == fixture.requests)
        #expect(try reader.eventCount() == fixture.events.count)
        #expect(try reader.events() == fixture.events)
        #expect(try reader.events(1_000..<1_010) == Array(fixture.events[1_000..<1_010]))
        #expect(try reader.activationKeys().map { "\($0.request)/\($0.layer)" } == ["7/3", "7/21"])
        for activation in fixture.activations {
            #expect(try reader.activation(request: activation.request, layer: activation.layer) == activation)
        }
    }

    @Test func h5pyReadsEveryDatasetWithTheExpectedDtypesAndValues() throws {
        let dir = try TempDir()
        let path = dir.path("trace.h5")
        let fixture = TraceFixture()
        try fixture.write(to: path)
        let result = try H5pyCheck.run(file: path, expectation: fixture.expectation(), in: dir)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func h5pyCheckReportsAWrongValue() throws {
        // Guards against a checker that passes everything.
        let dir = try TempDir()
        let path = dir.path("trace.h5")
        var fixture = TraceFixture(eventCount: 10)
        try fixture.write(to: path)
        fixture.events[4].bytes += 1
        let result = try H5pyCheck.run(file: path, expectation: fixture.expectation(), in: dir)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("/events: values differ"), "\(result.output)")
        #expect(result.output.contains("first difference at 4"), "\(result.output)")
    }

    @Test func emptyTraceIsValid() throws {
        let dir = try TempDir()
        let path = dir.path("empty.h5")
        let run = TraceRunInfo(omniVersion: "x", runKind: .sim, experiment: "Experiments/ring.json", seed: 42,
                               startTimeUnixNs: 0)
        try TraceFileWriter(path: path, run: run).close()
        let reader = try TraceFileReader(path: path)
        #expect(reader.run == run)
        #expect(reader.run.clock == .virtual)
        #expect(try reader.events().isEmpty)
        #expect(try reader.nodes().isEmpty)
        #expect(try reader.activationKeys().isEmpty)
    }

    @Test func writerRejectsUseAfterCloseAndBadActivationShape() throws {
        let dir = try TempDir()
        let path = dir.path("closed.h5")
        let writer = try TraceFileWriter(path: path, run: TraceFixture().run)
        let bad = TraceActivation(request: 1, layer: 0, shape: [2, 2], values: [1, 2, 3], positions: [0, 1],
                                  dtype: "f32", node: 0, shardFirst: 0, shardLast: 0)
        #expect(throws: HDF5Error.self) { try writer.writeActivation(bad) }
        try writer.close()
        try writer.close()
        #expect(throws: HDF5Error.closed(path: path, object: "trace writer")) {
            try writer.record(TraceFixture.event(0))
        }
    }
}

@Suite struct TraceSchemaLayoutTests {
    @Test func eventEncoderOffsetsMatchTheSchema() {
        #expect(TraceSchema.eventColumns.offsets == TraceSchema.eventOffsets)
        #expect(TraceSchema.eventColumns.rowSize == 60)
    }
}
