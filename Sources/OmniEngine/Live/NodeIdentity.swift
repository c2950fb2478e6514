import Foundation

/// A node's stable id: given on the command line, or generated once and kept in the state
/// directory (`node_id` file) so that a restarted node is the same node to its peers.
public enum NodeIdentity {
    public static let fileName = "node_id"

    /// The default state directory: `$XDG_STATE_HOME/omni` if set, else `~/.omni`.
    public static func defaultStateDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty { return xdg + "/omni" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.omni"
    }

    /// Why `id` cannot be a node id, or nil if it can.
    public static func problem(with id: String) -> String? {
        if id.isEmpty { return "it is empty" }
        if id.utf8.count > 128 { return "it is longer than 128 bytes" }
        if id.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0 == "@" }) {
            return "it contains whitespace, control characters or '@'"
        }
        return nil
    }

    /// `given` if set (validated), else the id stored in `stateDirectory`, else a new one that is
    /// stored there. Throws `LiveError.badNodeID` or `LiveError.stateDirectory`.
    public static func resolve(given: String?, stateDirectory: String) throws -> NodeID {
        if let given {
            if let p = problem(with: given) { throw LiveError.badNodeID(given, reason: p) }
            return NodeID(given)
        }
        let file = stateDirectory + "/" + fileName
        if let data = FileManager.default.contents(atPath: file) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if let p = problem(with: text) { throw LiveError.stateDirectory(path: file, reason: "the stored node id '\(text)' cannot be used: \(p); delete the file to get a new one") }
            return NodeID(text)
        }
        var generator = SystemRandomNumberGenerator()
        let id = "node-" + String(format: "%08x", UInt32(truncatingIfNeeded: generator.next()))
        do {
            try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
            try Data((id + "\n").utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw LiveError.stateDirectory(path: stateDirectory, reason: "cannot store a new node id: \(error.localizedDescription)")
        }
        return NodeID(id)
    }
}
