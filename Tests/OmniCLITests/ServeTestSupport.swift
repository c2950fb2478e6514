import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One `omni` process started by a test (usually `omni serve`): its stdout and stderr collected
/// as they arrive, and the ports a node reports in its ready line.
final class ServeProcess: @unchecked Sendable {
    let name: String
    let process = Process()
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    init(name: String, arguments: [String]) throws {
        self.name = name
        process.executableURL = CLI.productsDirectory.appendingPathComponent("omni")
        process.arguments = arguments
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        outPipe.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            self?.lock.lock(); self?.out.append(d); self?.lock.unlock()
        }
        errPipe.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            self?.lock.lock(); self?.err.append(d); self?.lock.unlock()
        }
        try process.run()
    }

    var stdout: String { lock.lock(); defer { lock.unlock() }; return String(decoding: out, as: UTF8.self) }
    var stderr: String { lock.lock(); defer { lock.unlock() }; return String(decoding: err, as: UTF8.self) }

    /// Polls (every 50 ms, at most `timeout` seconds) until `condition` holds; returns whether it did.
    @discardableResult
    static func waitUntil(timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    /// The ready line's fields, waiting for it at most `timeout` seconds.
    func ready(timeout: Double = 20) -> (port: Int, clientPort: Int)? {
        var result: (Int, Int)?
        Self.waitUntil(timeout: timeout) {
            for line in stdout.split(separator: "\n") {
                if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                   object["event"] as? String == "ready", let port = object["port"] as? Int {
                    result = (port, object["client_port"] as? Int ?? 0)
                    return true
                }
            }
            return !process.isRunning
        }
        return result
    }

    /// The API port from the ready line (0 when the node serves no API).
    var apiPort: Int {
        for line in stdout.split(separator: "\n") {
            if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
               object["event"] as? String == "ready" { return object["api_port"] as? Int ?? 0 }
        }
        return 0
    }

    func kill(_ signal: Int32 = SIGKILL) {
        if process.isRunning { Glibc.kill(process.processIdentifier, signal) }
    }

    func waitForExit(timeout: Double) -> Bool {
        Self.waitUntil(timeout: timeout) { !process.isRunning }
    }
}

/// The `omni serve` processes of one test; `stopAll` (call it in a `defer`) kills every one.
final class ServeCluster: @unchecked Sendable {
    private(set) var nodes: [String: ServeProcess] = [:]
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("omni-serve-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var peersFile: String { directory.appendingPathComponent("peers").path }

    /// Starts `omni serve` for node `id` on loopback with free ports and the fixture model.
    @discardableResult
    func start(_ id: String, _ extra: [String]) throws -> ServeProcess {
        let p = try ServeProcess(name: id, arguments: [
            "serve", "--exit-with-parent", "--model", CLI.fixtureModel, "--node-id", id, "--host", "127.0.0.1", "--port", "0", "--client-port", "0",
            "--strategy", "uniform", "--state-dir", directory.appendingPathComponent(id).path, "--no-calibrate", "--api-port", "0",
        ] + extra)
        nodes[id] = p
        return p
    }

    subscript(id: String) -> ServeProcess { nodes[id]! }

    /// Writes the peers file with every started node's address.
    func writePeersFile(_ ports: [Int]) throws {
        try Data(ports.map { "127.0.0.1:\($0)\n" }.joined().utf8).write(to: URL(fileURLWithPath: peersFile))
    }

    /// Waits until each named node has logged "peer joined" for each other named node.
    func waitForJoins(_ ids: [String], timeout: Double = 20) -> Bool {
        ServeProcess.waitUntil(timeout: timeout) {
            ids.allSatisfy { a in ids.allSatisfy { b in a == b || nodes[a]?.stderr.contains("peer joined: \(b) ") == true } }
        }
    }

    func logs() -> String {
        nodes.keys.sorted().map { "--- \($0) ---\n\(nodes[$0]!.stderr)" }.joined(separator: "\n")
    }

    func stopAll() {
        for p in nodes.values { p.kill(SIGKILL) }
        for p in nodes.values { _ = p.waitForExit(timeout: 5) }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The fixture's greedy reference: prompt ids and the 16 tokens transformers generates.
enum ServeGreedyReference {
    static func load() throws -> (input: [Int], output: [Int]) {
        let url = URL(fileURLWithPath: CLI.fixtureModel + "/reference.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        let greedy = json["greedy"] as? [String: Any] ?? [:]
        return ((greedy["input_ids"] as? [Int]) ?? [], (greedy["output_ids"] as? [Int]) ?? [])
    }

    /// The text whose tokens (with BOS) are the greedy prompt.
    static func text() throws -> String {
        let url = URL(fileURLWithPath: CLI.fixtureModel + "/reference.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        return json["input_text"] as? String ?? ""
    }
}

extension ServeCluster {
    /// Sends one request through `omni client` and returns its JSON result.
    static func request(port: Int, prompt: [Int], maxTokens: Int) throws -> (status: Int32, json: [String: Any], stderr: String) {
        let r = try CLI.run("omni", ["client", "--port", "\(port)", "--prompt-ids", prompt.map(String.init).joined(separator: ","),
                                     "--max-tokens", "\(maxTokens)", "--ignore-eos", "--timeout", "30"])
        let json = ((try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any]) ?? [:]
        return (r.status, json, r.stderr)
    }
}
