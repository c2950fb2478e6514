import Foundation

/// What can go wrong in the live runtime: sockets, addresses, peer files, node identity and the
/// client port. Each case names the thing concerned and, where known, the system's reason.
public enum LiveError: LocalizedError, Equatable, Sendable {
    /// A socket call failed: which call, on what (an address or a description), and `strerror`.
    case socket(call: String, target: String, reason: String)
    /// An address could not be understood (`host:port`, `id@host:port`, an IPv4 address).
    case badAddress(String, reason: String)
    /// A line of a `--peers` file is not a peer address.
    case badPeersLine(file: String, line: Int, text: String, reason: String)
    /// The node id could not be read from or written to the state directory.
    case stateDirectory(path: String, reason: String)
    /// A node id that cannot be used (empty, too long, with spaces or control characters).
    case badNodeID(String, reason: String)
    /// A `--device-profile` file could not be read or decoded.
    case deviceProfile(path: String, reason: String)
    /// The connection handshake failed: who, and why.
    case handshake(peer: String, reason: String)
    /// A client-port request line is not what the port accepts.
    case badClientRequest(String)

    public var errorDescription: String? {
        switch self {
        case .socket(let call, let target, let reason): return "\(call) failed for \(target): \(reason)"
        case .badAddress(let text, let reason): return "bad address '\(text)': \(reason)"
        case .badPeersLine(let file, let line, let text, let reason): return "\(file):\(line): '\(text)' is not a peer: \(reason)"
        case .stateDirectory(let path, let reason): return "node state directory \(path): \(reason)"
        case .badNodeID(let id, let reason): return "node id '\(id)' cannot be used: \(reason)"
        case .deviceProfile(let path, let reason): return "device profile \(path): \(reason)"
        case .handshake(let peer, let reason): return "handshake with \(peer) failed: \(reason)"
        case .badClientRequest(let reason): return "bad client request: \(reason)"
        }
    }

    /// The message of the C library's current `errno`.
    static func errnoText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}
