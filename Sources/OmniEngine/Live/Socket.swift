import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A POSIX socket (TCP or UDP over IPv4) with blocking calls that throw `LiveError.socket`.
/// `shutdown()` wakes threads blocked in `receive`/`accept`; `close()` releases the descriptor
/// once, after which every call fails instead of touching a reused descriptor.
public final class Socket: @unchecked Sendable {
    private let lock = NSLock()
    private var fd: Int32
    /// What the socket is for, in error messages ("listener 0.0.0.0:5679", "peer 127.0.0.1:5680").
    public let label: String

    private init(fd: Int32, label: String) {
        self.fd = fd
        self.label = label
    }

    deinit { close() }

    private var descriptor: Int32 { lock.lock(); defer { lock.unlock() }; return fd }

    private func fail(_ call: String, _ code: Int32 = errno) -> LiveError {
        .socket(call: call, target: label, reason: LiveError.errnoText(code))
    }

    private static func make(_ type: Int32, label: String) throws -> Socket {
        let fd = Glibc.socket(AF_INET, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LiveError.socket(call: "socket", target: label, reason: LiveError.errnoText()) }
        return Socket(fd: fd, label: label)
    }

    private func setOption(_ level: Int32, _ name: Int32, _ value: Int32, _ what: String) throws {
        var v = value
        guard setsockopt(descriptor, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0 else { throw fail("setsockopt(\(what))") }
    }

    private func bind(_ endpoint: IPv4Endpoint) throws {
        var addr = endpoint.sockaddr
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw fail("bind") }
    }

    /// A TCP socket listening on `endpoint` (port 0 picks a free port; see `localEndpoint`).
    public static func listenTCP(on endpoint: IPv4Endpoint, backlog: Int32 = 64) throws -> Socket {
        let s = try make(Int32(SOCK_STREAM.rawValue), label: "listener \(endpoint)")
        try s.setOption(SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR")
        try s.bind(endpoint)
        guard Glibc.listen(s.descriptor, backlog) == 0 else { throw s.fail("listen") }
        return s
    }

    /// A TCP connection to `endpoint`, failing after `timeout` seconds; TCP_NODELAY is set.
    public static func connectTCP(to endpoint: IPv4Endpoint, timeout: Double) throws -> Socket {
        let s = try make(Int32(SOCK_STREAM.rawValue), label: "peer \(endpoint)")
        let fd = s.descriptor
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        var addr = endpoint.sockaddr
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 {
            guard errno == EINPROGRESS else { throw s.fail("connect") }
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&p, 1, Int32(max(1, timeout * 1000)))
            guard ready > 0 else { throw LiveError.socket(call: "connect", target: s.label, reason: "timed out after \(timeout) s") }
            var err: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
            guard err == 0 else { throw s.fail("connect", err) }
        }
        _ = fcntl(fd, F_SETFL, flags)
        try s.setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1, "TCP_NODELAY")
        return s
    }

    /// A UDP socket bound to `endpoint`, shareable by several processes on one machine
    /// (SO_REUSEADDR and SO_REUSEPORT) and allowed to send broadcasts.
    public static func bindUDP(on endpoint: IPv4Endpoint) throws -> Socket {
        let s = try make(Int32(SOCK_DGRAM.rawValue), label: "UDP \(endpoint)")
        try s.setOption(SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR")
        try s.setOption(SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT")
        try s.setOption(SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST")
        try s.bind(endpoint)
        return s
    }

    /// An unbound UDP socket for sending broadcasts.
    public static func udpSender() throws -> Socket {
        let s = try make(Int32(SOCK_DGRAM.rawValue), label: "UDP sender")
        try s.setOption(SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST")
        return s
    }

    /// The address the socket is bound to.
    public var localEndpoint: IPv4Endpoint? {
        var addr = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &len) }
        }
        return rc == 0 ? IPv4Endpoint(addr) : nil
    }

    /// Waits for a connection; TCP_NODELAY is set on it.
    public func accept() throws -> (Socket, IPv4Endpoint) {
        while true {
            var addr = sockaddr_in()
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let client = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(descriptor, $0, &len) }
            }
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                throw fail("accept")
            }
            let remote = IPv4Endpoint(addr)
            let s = Socket(fd: client, label: "peer \(remote)")
            try? s.setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1, "TCP_NODELAY")
            return (s, remote)
        }
    }

    /// Sends every byte (blocking), never raising SIGPIPE.
    public func sendAll(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = Glibc.send(descriptor, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw fail("send")
                }
                offset += n
            }
        }
    }

    /// Sends what the kernel takes right now without blocking: the number of bytes sent (0 when
    /// its buffer is full).
    public func sendNow(_ bytes: ArraySlice<UInt8>) throws -> Int {
        try bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return 0 }
            while true {
                let n = Glibc.send(descriptor, base, raw.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
                if n >= 0 { return n }
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return 0 }
                throw fail("send")
            }
        }
    }

    /// Receives up to `buffer.count` bytes; 0 means the peer closed the connection.
    public func receive(into buffer: inout [UInt8]) throws -> Int {
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.recv(descriptor, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw LiveError.socket(call: "recv", target: label, reason: "timed out") }
                throw fail("recv")
            }
            return n
        }
    }

    /// Receives exactly `count` bytes, or throws (closed connection, timeout).
    public func receiveExactly(_ count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: count)
        while out.count < count {
            chunk = [UInt8](repeating: 0, count: count - out.count)
            let n = try receive(into: &chunk)
            guard n > 0 else { throw LiveError.socket(call: "recv", target: label, reason: "the connection was closed") }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    /// Limits how long `receive` blocks (0 = forever).
    public func setReceiveTimeout(_ seconds: Double) throws {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        guard setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
            throw fail("setsockopt(SO_RCVTIMEO)")
        }
    }

    /// Sends one datagram.
    public func send(datagram: [UInt8], to endpoint: IPv4Endpoint) throws {
        var addr = endpoint.sockaddr
        let n = datagram.withUnsafeBytes { raw in
            withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.sendto(descriptor, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL), $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard n >= 0 else { throw LiveError.socket(call: "sendto", target: endpoint.description, reason: LiveError.errnoText()) }
    }

    /// Receives one datagram (at most `maxBytes`) and its sender; nil when the receive timeout
    /// passed first.
    public func receiveDatagram(maxBytes: Int) throws -> ([UInt8], IPv4Endpoint)? {
        var buffer = [UInt8](repeating: 0, count: maxBytes)
        var addr = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        while true {
            let n = buffer.withUnsafeMutableBytes { raw in
                withUnsafeMutablePointer(to: &addr) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.recvfrom(descriptor, raw.baseAddress, raw.count, 0, $0, &len) }
                }
            }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
                throw fail("recvfrom")
            }
            return (Array(buffer[0..<n]), IPv4Endpoint(addr))
        }
    }

    /// Stops reads and writes; threads blocked on this socket return.
    public func shutdown() {
        let fd = descriptor
        if fd >= 0 { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
    }

    /// Releases the descriptor (once).
    public func close() {
        lock.lock()
        let old = fd
        fd = -1
        lock.unlock()
        if old >= 0 {
            _ = Glibc.shutdown(old, Int32(SHUT_RDWR))
            _ = Glibc.close(old)
        }
    }
}
