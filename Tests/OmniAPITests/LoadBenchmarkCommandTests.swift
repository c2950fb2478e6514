import Foundation
import Testing

/// `omni-bench load` against a real `omni api`: every request succeeds and the figures are printed.
@Suite struct LoadBenchmarkCommandTests {
    @Test func loadBenchmarkStreamsFromTheServer() throws {
        let server = try APIProcess(["--api-key", "k"])
        defer { server.stop() }
        let bench = Process()
        bench.executableURL = APIProcess.executable.deletingLastPathComponent().appendingPathComponent("omni-bench")
        bench.arguments = ["load", "--url", server.baseURL, "--concurrency", "3", "--requests", "6", "--max-tokens", "8", "--api-key", "k", "--json"]
        let out = Pipe()
        bench.standardOutput = out
        bench.standardError = out
        try bench.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        bench.waitUntilExit()
        #expect(bench.terminationStatus == 0, "\(output)")
        #expect(output.contains("6 requests, 3 concurrent, 0 failed"), "\(output)")
        let json = output.split(separator: "\n").last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(json?["completionTokens"] as? Int == 48, "\(output)")
        // A wrong key makes every request fail, and the command says so.
        let denied = Process()
        denied.executableURL = bench.executableURL
        denied.arguments = ["load", "--url", server.baseURL, "--requests", "1", "--model", "llama"]
        let deniedOut = Pipe()
        denied.standardOutput = deniedOut
        denied.standardError = deniedOut
        try denied.run()
        let deniedText = String(decoding: deniedOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        denied.waitUntilExit()
        #expect(denied.terminationStatus != 0)
        #expect(deniedText.contains("401"), "\(deniedText)")
    }
}
