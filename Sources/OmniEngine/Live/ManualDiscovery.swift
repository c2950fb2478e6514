import Foundation

/// Peers from a file (`--peers FILE`): one `host:port` or `id@host:port` a line, `#` starts a
/// comment. The file is read again whenever its modification time (or size) changes; bad lines
/// are logged with their line number and skipped, the good ones are used.
final class ManualDiscovery: @unchecked Sendable {
    let path: String
    private let publish: @Sendable ([PeerTarget]) -> Void
    private let log: @Sendable (String) -> Void
    private let lock = NSLock()
    private var stopped = false
    private var lastStamp: String?
    let pollInterval: Double

    init(path: String, pollInterval: Double = 1, publish: @escaping @Sendable ([PeerTarget]) -> Void,
         log: @escaping @Sendable (String) -> Void) {
        self.path = path
        self.pollInterval = pollInterval
        self.publish = publish
        self.log = log
    }

    /// Parses a peers file's text; errors name the file and line.
    static func parse(_ text: String, file: String) -> (targets: [PeerTarget], errors: [LiveError]) {
        var targets: [PeerTarget] = [], errors: [LiveError] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let entry = line.trimmingCharacters(in: .whitespaces)
            guard !entry.isEmpty else { continue }
            var node: NodeID? = nil
            var address = entry
            if let at = entry.firstIndex(of: "@") {
                let id = String(entry[..<at])
                if let problem = NodeIdentity.problem(with: id) {
                    errors.append(.badPeersLine(file: file, line: index + 1, text: entry, reason: "node id: \(problem)"))
                    continue
                }
                node = NodeID(id)
                address = String(entry[entry.index(after: at)...])
            }
            do {
                let endpoint = try IPv4Endpoint(parsing: address)
                if !targets.contains(where: { $0.endpoint == endpoint }) { targets.append(PeerTarget(endpoint: endpoint, node: node)) }
            } catch let LiveError.badAddress(_, reason) {
                errors.append(.badPeersLine(file: file, line: index + 1, text: entry, reason: reason))
            } catch {
                errors.append(.badPeersLine(file: file, line: index + 1, text: entry, reason: error.localizedDescription))
            }
        }
        return (targets, errors)
    }

    func start() {
        reloadIfChanged()
        Thread.detachNewThread { [self] in
            while true {
                var waited = 0.0
                while waited < pollInterval {
                    usleep(50_000)
                    waited += 0.05
                    lock.lock()
                    let done = stopped
                    lock.unlock()
                    if done { return }
                }
                reloadIfChanged()
            }
        }
    }

    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }

    private func reloadIfChanged() {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let stamp = attributes.map { "\(($0[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)/\(($0[.size] as? NSNumber)?.intValue ?? -1)" } ?? "missing"
        lock.lock()
        let changed = stamp != lastStamp
        lastStamp = stamp
        lock.unlock()
        guard changed else { return }
        guard attributes != nil, let data = FileManager.default.contents(atPath: path) else {
            log("peers file \(path) cannot be read; no peers from it until it can")
            publish([])
            return
        }
        let (targets, errors) = Self.parse(String(decoding: data, as: UTF8.self), file: path)
        for e in errors { log(e.localizedDescription) }
        log("peers file \(path): \(targets.count) peer\(targets.count == 1 ? "" : "s")")
        publish(targets)
    }
}
