import Foundation
import Glibc

/// Why the server could not start listening.
public enum APIServerError: LocalizedError, Equatable {
    case badAddress(String)
    case socketFailed(String, errno: Int32)
    case alreadyStarted

    public var errorDescription: String? {
        switch self {
        case .badAddress(let host): return "'\(host)' is not an IPv4 address to listen on (use e.g. 127.0.0.1 or 0.0.0.0)."
        case .socketFailed(let what, let code): return "\(what) failed: \(String(cString: strerror(code)))"
        case .alreadyStarted: return "The API server is already running."
        }
    }
}

/// Small wrappers over the socket calls the server uses.
enum Sockets {
    /// A non-blocking IPv4 TCP socket listening on host:port; returns the fd and bound port.
    static func listen(host: String, port: Int) throws -> (fd: Int32, port: Int) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        guard port >= 0, port <= 65535 else { throw APIServerError.badAddress("\(host):\(port)") }
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw APIServerError.badAddress(host) }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw APIServerError.socketFailed("socket()", errno: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw APIServerError.socketFailed("bind(\(host):\(port))", errno: code)
        }
        guard Glibc.listen(fd, 512) == 0 else {
            let code = errno
            close(fd)
            throw APIServerError.socketFailed("listen()", errno: code)
        }
        setNonBlocking(fd)
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: actual.sin_port)))
    }

    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    /// Accepts one pending connection, non-blocking; nil when none is waiting.
    static func accept(_ listener: Int32) -> Int32? {
        let fd = Glibc.accept(listener, nil, nil)
        guard fd >= 0 else { return nil }
        setNonBlocking(fd)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    /// Writes what the socket takes now; returns bytes written, 0 when it would block, nil when the peer is gone.
    static func send(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        let n = Glibc.send(fd, base, bytes.count, Int32(MSG_NOSIGNAL))
        if n >= 0 { return n }
        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return 0 }
        return nil
    }
}
