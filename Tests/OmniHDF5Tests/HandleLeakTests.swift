import Foundation
import Testing
@testable import OmniHDF5

/// Every handle is closed exactly once: after any amount of work only the handles still
/// held by live Swift objects remain open on the file.
@Suite struct HandleLeakTests {
    @Test func readsAndWritesLeaveNoHandlesBehind() throws {
        let dir = try TempDir()
        let path = dir.path("leaks.h5")
        let file = try File.create(path)
        // H5Iget_file_id inside the count holds the file id too; the baseline absorbs it.
        let baseline = try file.openObjectCount()
        for round in 0..<3 {
            try file.setAttribute("a\(round)", .strings(["x", "y"]))
            _ = try file.attribute("a\(round)")
            _ = try file.attributeNames()
            let data = try file.createDataset("g\(round)/d", values: [Float(1), 2], shape: [1, 2],
                                              storage: .extendable(chunk: [4, 2]))
            try data.append([Float(3), 4])
            _ = try data.read(Float.self)
            data.close()
            let table = try file.createTable("t\(round)", schema: try CompoundSchema([Column("s", .string)]))
            try table.append([.string("row")])
            try table.flush()
            _ = try table.readRows()
            table.close()
            _ = try file.childNames()
            _ = try? file.dataset("missing")
            _ = try? file.table("g\(round)/d")
            #expect(try file.openObjectCount() == baseline, "round \(round)")
        }
        let held = try file.group("g0")
        #expect(try file.openObjectCount() == baseline + 1)
        held.close()
        held.close()
        #expect(try file.openObjectCount() == baseline)
    }

    @Test func traceReaderKeepsOnlyItsFileOpen() throws {
        let dir = try TempDir()
        let path = dir.path("trace.h5")
        let fixture = TraceFixture(eventCount: 50)
        try fixture.write(to: path)
        let reader = try TraceFileReader(path: path)
        let baseline = try reader.file.openObjectCount()
        _ = try reader.events()
        _ = try reader.nodes()
        _ = try reader.requests()
        _ = try reader.activationKeys()
        _ = try reader.activation(request: 7, layer: 3)
        _ = try? reader.activation(request: 1, layer: 1)
        #expect(try reader.file.openObjectCount() == baseline)
    }
}
