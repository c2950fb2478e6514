import Foundation
import Testing
@testable import OmniHDF5

@Suite struct SWMRTests {
    @Test func h5pySWMRReaderSeesRowsAppendedAfterEachFlush() throws {
        let dir = try TempDir()
        let path = dir.path("swmr.h5")
        let file = try File.create(path, swmrCapable: true)
        try file.setAttribute("schema_version", .int64(1))
        let schema = try CompoundSchema([Column("t", .int64), Column("v", .float64), Column("tag", .fixedString(4))])
        let table = try file.createTable("rows", schema: schema, options: TableOptions(chunkRows: 8, bufferRows: 5))
        let samples = try file.createDataset("samples", type: .float32, shape: [0, 2],
                                             storage: .extendable(chunk: [16, 2]))
        try file.startSWMRWrite()
        #expect(file.isSWMRWriting)

        var rows: [[Any]] = []
        var values: [Float] = []
        for round in 1...2 {
            for i in 0..<(7 * round) {
                let t = Int64(rows.count)
                try table.append([.int64(t), .float64(Double(i) / 3), .string("r\(round)")])
                rows.append([t, Double(i) / 3, "r\(round)"])
                values += [Float(t), -Float(t)]
            }
            try samples.append(Array(values.suffix(14 * round)))
            try table.flush()
            try file.flush()
            var e = H5Expectation()
            e.swmr = true
            e.attribute("/", "schema_version", dtype: "<i8", 1)
            e.table("/rows", [("t", "<i8"), ("v", "<f8"), ("tag", "|S4")], rows: rows)
            e.array("/samples", dtype: "<f4", shape: [values.count / 2, 2], values: values.map { Double($0) })
            let result = try H5pyCheck.run(file: path, expectation: e, in: dir)
            #expect(result.status == 0, "round \(round): \(result.output)")
        }
        table.close()
        samples.close()
        file.close()
        #expect(try File.open(path).table("rows").storedRowCount() == rows.count)
    }
}

@Suite struct TraceSWMRTests {
    @Test func h5pyFollowsASWMRTraceWhileItIsWritten() throws {
        let dir = try TempDir()
        let path = dir.path("swmr-trace.h5")
        let fixture = TraceFixture(eventCount: 1_500)
        let writer = try TraceFileWriter(path: path, run: fixture.run,
                                          options: TraceWriterOptions(flushEveryEvents: 600, chunkRows: 256, swmr: true))
        for node in fixture.nodes { try writer.add(node) }
        for link in fixture.links { try writer.add(link) }
        for placement in fixture.placements { try writer.add(placement) }
        try writer.record(contentsOf: fixture.events.prefix(1_300))
        #expect(writer.flushedEventCount == 1_200)
        var e = fixture.expectation(eventsOnDisk: 1_200, withRequestsAndActivations: false)
        e.swmr = true
        let live = try H5pyCheck.run(file: path, expectation: e, in: dir)
        #expect(live.status == 0, "\(live.output)")
        // What a killed SWMR writer leaves: h5py needs swmr=True (or h5clear), our reader falls back itself.
        let copy = dir.path("killed.h5")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        let killed = try H5pyCheck.run(file: copy, expectation: e, in: dir)
        #expect(killed.status == 0, "\(killed.output)")
        #expect(try TraceFileReader(path: copy).events() == Array(fixture.events.prefix(1_200)))
        #expect(throws: HDF5Error.self) { try writer.writeActivation(fixture.activations[0]) }
        try writer.record(contentsOf: fixture.events.dropFirst(1_300))
        for request in fixture.requests { try writer.add(request) }
        try writer.close()
        let reader = try TraceFileReader(path: path)
        #expect(try reader.events() == fixture.events)
        #expect(try reader.requests() == fixture.requests)
    }
}
