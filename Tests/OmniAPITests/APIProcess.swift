import Foundation
import Glibc

/// Errors of the test harness itself (the server did not start, a socket failed).
enum HarnessError: LocalizedError {
    case serverDidNotStart(String)
    case socket(String)
    var errorDescription: String? {
        switch self {
        case .serverDidNotStart(let m): return "omni api did not start: \(m)"
        case .socket(let m): return m
        }
    }
}

/// Runs `omni api` on a free loopback port with the fixture model; `stop()` ends it.
final class APIProcess {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    static var fixtureModel: String { repositoryRoot.appendingPathComponent("Tests/OmniEngineTests/Fixtures/models/llama").path }
    static var executable: URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
            repositoryRoot.appendingPathComponent(".build/debug"),
        ]
        let dir = candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("omni").path) }
            ?? repositoryRoot.appendingPathComponent(".build/debug")
        return dir.appendingPathComponent("omni")
    }

    let process = Process()
    let port: Int
    private let stderrPipe = Pipe()

    init(_ extra: [String] = []) throws {
        process.executableURL = Self.executable
        process.arguments = ["api", "--model", Self.fixtureModel, "--api-port", "0"] + extra
        let out = Pipe()
        process.standardOutput = out
        process.standardError = stderrPipe
        try process.run()
        // The first line of stdout names the port; EOF means the server exited. A reader thread
        // looks for it so that a server that never prints cannot hang the test (bounded: 120 s).
        let found = PortLine()
        let reader = out.fileHandleForReading
        Thread.detachNewThread {
            var text = ""
            while true {
                let data = reader.availableData
                if data.isEmpty { break }
                text += String(decoding: data, as: UTF8.self)
                if let line = text.split(separator: "\n").first(where: { $0.contains("serving") }), let colon = line.lastIndex(of: ":"),
                   let port = Int(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)) {
                    found.set(port, text)
                    return
                }
            }
            found.set(nil, text)
        }
        _ = found.ready.wait(timeout: .now() + 120)
        let (port, text) = found.value
        guard let port else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            let err = String(decoding: stderrPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw HarnessError.serverDidNotStart("stdout: \(text) stderr: \(err)")
        }
        self.port = port
    }

    var isRunning: Bool { process.isRunning }

    /// SIGTERM, then SIGKILL if the server has not exited after a bounded wait.
    func stop() {
        if process.isRunning { process.terminate() }
        for _ in 0..<500 where process.isRunning { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }

    var baseURL: String { "http://127.0.0.1:\(port)" }
}

/// The port line as the reader thread found it.
final class PortLine: @unchecked Sendable {
    let ready = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var port: Int?
    private var text = ""
    func set(_ port: Int?, _ text: String) {
        lock.lock(); self.port = port; self.text = text; lock.unlock()
        ready.signal()
    }
    var value: (Int?, String) { lock.lock(); defer { lock.unlock() }; return (port, text) }
}
