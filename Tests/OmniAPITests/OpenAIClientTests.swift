import Foundation
import Testing

/// Runs Scripts/api/test_openai_client.py (the official `openai` Python client) against `omni api`.
@Suite struct OpenAIClientTests {
    @Test func officialClientAgainstTheServer() throws {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import openai"]
        probe.standardError = FileHandle.nullDevice
        do { try probe.run(); probe.waitUntilExit() } catch {
            Issue.record("python3 is not available: install Python 3 and run 'python3 -m pip install openai' (or Scripts/setup.sh --tests)")
            return
        }
        guard probe.terminationStatus == 0 else {
            Issue.record("the 'openai' Python package is missing: run 'python3 -m pip install openai' (or Scripts/setup.sh --tests)")
            return
        }
        let server = try APIProcess(["--api-key", "test-key"])
        defer { server.stop() }
        let script = APIProcess.repositoryRoot.appendingPathComponent("Scripts/api/test_openai_client.py").path
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", script, "--base-url", server.baseURL + "/v1", "--api-key", "test-key", "--model", "llama"]
        let out = Pipe()
        python.standardOutput = out
        python.standardError = out
        try python.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        #expect(python.terminationStatus == 0, "\(output)")
        #expect(output.contains("checks passed"), "\(output)")
    }
}
