import CHDF5
import Foundation
import Testing
@testable import OmniHDF5

@Suite struct ErrorTests {
    @Test func missingFileNamesThePath() throws {
        let dir = try TempDir()
        let path = dir.path("nope.h5")
        #expect(throws: HDF5Error.fileNotFound(path: path)) { try File.open(path) }
        #expect(throws: HDF5Error.fileNotFound(path: path)) { try TraceFileReader(path: path) }
        let message = HDF5Error.fileNotFound(path: path).errorDescription ?? ""
        #expect(message.contains(path))
    }

    @Test func nonHDF5FileIsRecognised() throws {
        let dir = try TempDir()
        let path = dir.path("notes.h5")
        try Data("just text, no signature".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: HDF5Error.notHDF5(path: path)) { try File.open(path) }
        #expect(HDF5Error.notHDF5(path: path).errorDescription?.contains(path) == true)
    }

    @Test func corruptHDF5FileCarriesTheLibraryMessage() throws {
        let dir = try TempDir()
        let good = dir.path("good.h5")
        try TraceFileWriter(path: good, run: TraceFixture().run).close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let path = dir.path("truncated.h5")
        try bytes.prefix(64).write(to: URL(fileURLWithPath: path))
        do {
            _ = try File.open(path)
            Issue.record("opening a truncated file succeeded")
        } catch let HDF5Error.library(errorPath, operation, message) {
            #expect(errorPath == path)
            #expect(operation == "open the file")
            #expect(message.contains("H5Fopen"), "\(message)")
            #expect(HDF5Error.library(path: errorPath, operation: operation, message: message)
                .errorDescription?.contains(path) == true)
        }
    }

    @Test func wrongObjectNamesAreClear() throws {
        let dir = try TempDir()
        let path = dir.path("names.h5")
        let file = try File.create(path)
        try file.createDataset("x", values: [Int32(1)])
        #expect(throws: HDF5Error.objectNotFound(path: path, object: "/y")) { try file.dataset("y") }
        #expect(throws: HDF5Error.objectNotFound(path: path, object: "/a/b/c")) { try file.dataset("a/b/c") }
        #expect(throws: HDF5Error.objectNotFound(path: path, object: "/g")) { try file.group("g") }
        #expect(throws: HDF5Error.typeMismatch(path: path, object: "/x", expected: "float32", found: "int32")) {
            try file.dataset("x").read(Float.self)
        }
        #expect(throws: HDF5Error.typeMismatch(path: path, object: "/x", expected: "compound table",
                                               found: "another type")) { try file.table("x") }
        do {
            try file.createDataset("x", values: [Int32(2)])
            Issue.record("creating a duplicate dataset succeeded")
        } catch let HDF5Error.library(errorPath, operation, message) {
            #expect(errorPath == path)
            #expect(operation == "create dataset '/x'")
            #expect(message.contains("already exists"), "\(message)")
        }
    }

    @Test func plainHDF5FileIsNotATrace() throws {
        let dir = try TempDir()
        let path = dir.path("plain.h5")
        try File.create(path).createDataset("x", values: [Int32(1)])
        do {
            _ = try TraceFileReader(path: path)
            Issue.record("a plain HDF5 file was accepted as a trace")
        } catch let HDF5Error.schema(errorPath, detail) {
            #expect(errorPath == path)
            #expect(detail.contains("schema_version"), "\(detail)")
        }
    }

    @Test func closedHandlesThrowInsteadOfCrashing() throws {
        let dir = try TempDir()
        let path = dir.path("closed.h5")
        let file = try File.create(path)
        let data = try file.createDataset("x", values: [Int32(1)])
        data.close()
        data.close()
        #expect(throws: HDF5Error.closed(path: path, object: "/x")) { try data.read(Int32.self) }
        file.close()
        #expect(throws: HDF5Error.closed(path: path, object: "/")) { try file.flush() }
    }

}

/// Both tests redirect the process's stderr, so they must not overlap.
@Suite(.serialized) struct StderrTests {
    /// HDF5 prints "HDF5-DIAG: Error detected..." to stderr unless silenced per thread.
    /// Failing calls on a brand-new thread must leave stderr free of it.
    @Test func failuresPrintNothingOnStderr() throws {
        let dir = try TempDir()
        let capture = dir.path("stderr.txt")
        let missing = dir.path("missing.h5")
        let truncated = dir.path("truncated.h5")
        var bytes = Data([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])
        bytes.append(Data(repeating: 0, count: 16))
        try bytes.write(to: URL(fileURLWithPath: truncated))
        fflush(nil)
        let saved = dup(STDERR_FILENO)
        let sink = open(capture, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        dup2(sink, STDERR_FILENO)
        let done = DispatchSemaphore(value: 0)
        let duplicate = dir.path("dup.h5")
        let thread = Thread {
            _ = try? File.open(missing)
            _ = try? File.open(truncated)
            if let file = try? File.create(duplicate) {
                _ = try? file.createGroup("g")
                _ = try? file.createGroup("g")
                _ = try? file.dataset("nothing/here")
            }
            done.signal()
        }
        thread.start()
        done.wait()
        fflush(nil)
        dup2(saved, STDERR_FILENO)
        close(saved)
        close(sink)
        let printed = try String(contentsOfFile: capture, encoding: .utf8)
        #expect(!printed.contains("HDF5-DIAG"), "\(printed)")
    }

    @Test func stderrCaptureWouldSeeUnsilencedErrors() throws {
        // Proves the capture above can fail: with printing re-enabled on a thread, HDF5 writes HDF5-DIAG.
        let dir = try TempDir()
        let capture = dir.path("stderr.txt")
        fflush(nil)
        let saved = dup(STDERR_FILENO)
        let sink = open(capture, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        dup2(sink, STDERR_FILENO)
        let done = DispatchSemaphore(value: 0)
        let missing = dir.path("missing.h5")
        let thread = Thread {
            _ = H5Fopen(missing, 0, omni_h5p_default()) // no silencing on this fresh thread
            omni_h5_error_clear()
            done.signal()
        }
        thread.start()
        done.wait()
        fflush(nil)
        dup2(saved, STDERR_FILENO)
        close(saved)
        close(sink)
        #expect(try String(contentsOfFile: capture, encoding: .utf8).contains("HDF5-DIAG"))
    }
}
