import Foundation
import Testing
@testable import OmniHDF5

/// Traces that break the schema are refused with an error naming the file and the problem.
@Suite struct MalformedTraceTests {
    private func expectSchemaError(_ path: String, mentioning text: String) {
        do {
            _ = try TraceFileReader(path: path)
            Issue.record("\(path) was accepted")
        } catch let HDF5Error.schema(errorPath, detail) {
            #expect(errorPath == path)
            #expect(detail.contains(text), "\(detail)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func newerSchemaVersionIsRefused() throws {
        let dir = try TempDir()
        let path = dir.path("v2.h5")
        try TraceFileWriter(path: path, run: TraceFixture().run).close()
        try File.open(path, mode: .readWrite).setAttribute("schema_version", .int64(2))
        expectSchemaError(path, mentioning: "schema_version 2 is not supported")
    }

    @Test func wrongRunKindIsRefused() throws {
        let dir = try TempDir()
        let path = dir.path("kind.h5")
        try TraceFileWriter(path: path, run: TraceFixture().run).close()
        try File.open(path, mode: .readWrite).setAttribute("run_kind", .string("replay"))
        expectSchemaError(path, mentioning: "run_kind")
    }

    @Test func eventsTableWithOtherColumnsIsRefused() throws {
        let dir = try TempDir()
        let path = dir.path("columns.h5")
        do {
            let writer = try TraceFileWriter(path: path, run: TraceFixture().run)
            try writer.close()
        }
        // Rebuild the file with the same attributes but a different /events layout.
        let other = dir.path("other.h5")
        let source = try File.open(path)
        let target = try File.create(other)
        for key in try source.attributeNames() { try target.setAttribute(key, try source.attribute(key)) }
        for name in ["nodes", "links", "placements", "requests"] {
            let table = try source.table(name)
            let copy = try target.createTable(name, schema: table.schema)
            for key in try table.attributeNames() { try copy.setAttribute(key, try table.attribute(key)) }
        }
        let events = try target.createTable("events", schema: try CompoundSchema([Column("start_ns", .int64),
                                                                                  Column("end_ns", .float64)]))
        try events.setAttribute("kind_names", .strings(TraceEventKind.names))
        events.close()
        target.close()
        expectSchemaError(other, mentioning: "table '/events' has columns [start_ns:int64, end_ns:float64]")
    }

    @Test func missingActivationIsObjectNotFound() throws {
        let dir = try TempDir()
        let path = dir.path("trace.h5")
        try TraceFixture(eventCount: 3).write(to: path)
        let reader = try TraceFileReader(path: path)
        #expect(throws: HDF5Error.objectNotFound(path: path, object: "/activations/7/4")) {
            try reader.activation(request: 7, layer: 4)
        }
        #expect(throws: HDF5Error.self) { try reader.events(0..<4) }
    }
}
