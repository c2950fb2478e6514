import Foundation
import Testing

/// Whether Debian's chromium is installed (the browser test needs it; `apt-get install -y chromium`).
private let chromiumPath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// The web chat in headless Chromium: loads, sends a prompt, shows the streamed reply and the cluster.
/// Skipped (and reported as skipped) where chromium is not installed.
@Suite struct WebChatBrowserTests {
    @Test(.enabled(if: chromiumPath != nil, "chromium is not installed (apt-get install -y chromium)"))
    func pageChatsAndShowsTheCluster() throws {
        let server = try APIProcess()
        defer { server.stop() }
        let script = APIProcess.repositoryRoot.appendingPathComponent("Scripts/api/test_web_chat.py").path
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", script, "--url", server.baseURL, "--chromium", chromiumPath ?? "chromium"]
        let out = Pipe()
        python.standardOutput = out
        python.standardError = out
        try python.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        #expect(python.terminationStatus == 0, "\(output)")
        #expect(output.hasPrefix("ok:"), "\(output)")
    }
}
