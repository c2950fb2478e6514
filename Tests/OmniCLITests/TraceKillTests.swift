import Foundation
import Testing

/// A trace producer killed with SIGKILL leaves a file h5py opens, holding every event up to the
/// last flush.
@Suite struct TraceKillTests {
    @Test func sigkilledProducerLeavesAReadableTrace() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("omni-kill-\(UUID().uuidString).h5").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = Process()
        process.executableURL = CLI.productsDirectory.appendingPathComponent("omni-bench")
        process.arguments = ["trace", "--hold", "--out", file, "--events", "2500", "--flush-every", "1000"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // Wait (bounded) until the producer has flushed twice and written 500 more events.
        var seen = ""
        let deadline = Date().addingTimeInterval(60)
        while !seen.contains("holding"), Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        #expect(seen.contains("flushed 2000") && seen.contains("holding"), "producer said: \(seen)")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", """
            import h5py, sys
            f = h5py.File(sys.argv[1], "r")
            e = f["events"]
            assert e.shape[0] == 2000, e.shape
            assert (e["end_ns"] >= e["start_ns"]).all()
            assert f.attrs["schema_version"] == 1
            print("ok")
            """, file]
        let err = Pipe()
        check.standardError = err
        check.standardOutput = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        let problem = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(check.terminationStatus == 0, "h5py could not read the killed producer's file (pip install h5py): \(problem)")
    }
}
