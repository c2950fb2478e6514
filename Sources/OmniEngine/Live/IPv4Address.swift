import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 address and port, convertible to and from `sockaddr_in` and "a.b.c.d:port" text.
public struct IPv4Endpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The address in host byte order.
    public var address: UInt32
    public var port: UInt16

    public init(address: UInt32, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// Parses a dotted-quad address ("127.0.0.1") or "localhost"; host names are not resolved.
    public init(host: String, port: UInt16) throws {
        let name = host == "localhost" ? "127.0.0.1" : host
        var addr = in_addr()
        guard inet_pton(AF_INET, name, &addr) == 1 else {
            throw LiveError.badAddress(host, reason: "expected an IPv4 address such as 192.168.1.20 (host names are not resolved)")
        }
        self.init(address: UInt32(bigEndian: addr.s_addr), port: port)
    }

    /// Parses "host:port".
    public init(parsing text: String) throws {
        guard let colon = text.lastIndex(of: ":") else {
            throw LiveError.badAddress(text, reason: "expected host:port, e.g. 127.0.0.1:5679")
        }
        let host = String(text[..<colon]), portText = String(text[text.index(after: colon)...])
        guard let port = UInt16(portText), port > 0 else {
            throw LiveError.badAddress(text, reason: "the port '\(portText)' is not in 1...65535")
        }
        try self.init(host: host, port: port)
    }

    public static let any = IPv4Endpoint(address: 0, port: 0)
    public static let loopbackBroadcast: UInt32 = 0x7fff_ffff

    /// True for 127.0.0.0/8.
    public var isLoopback: Bool { address >> 24 == 127 }

    public var host: String {
        "\(address >> 24).\((address >> 16) & 0xff).\((address >> 8) & 0xff).\(address & 0xff)"
    }

    public var description: String { "\(host):\(port)" }

    public static func < (a: IPv4Endpoint, b: IPv4Endpoint) -> Bool { (a.address, a.port) < (b.address, b.port) }

    var sockaddr: sockaddr_in {
        var s = sockaddr_in()
        s.sin_family = sa_family_t(AF_INET)
        s.sin_port = port.bigEndian
        s.sin_addr.s_addr = address.bigEndian
        return s
    }

    init(_ s: sockaddr_in) {
        self.init(address: UInt32(bigEndian: s.sin_addr.s_addr), port: UInt16(bigEndian: s.sin_port))
    }

    /// Broadcast addresses of this machine's IPv4 interfaces that are up and broadcast-capable,
    /// plus the loopback broadcast 127.255.255.255, sorted and without duplicates.
    public static func interfaceBroadcastAddresses() -> [UInt32] {
        var result: Set<UInt32> = [loopbackBroadcast]
        for entry in interfaces() { if let b = entry.broadcast, b != 0 { result.insert(b) } }
        return result.sorted()
    }

    /// Addresses of this machine's IPv4 interfaces that are up, sorted.
    public static func interfaceAddresses() -> [UInt32] {
        Set(interfaces().map(\.address)).sorted()
    }

    private static func interfaces() -> [(address: UInt32, broadcast: UInt32?)] {
        var result: [(UInt32, UInt32?)] = []
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return result }
        defer { freeifaddrs(list) }
        func value(_ p: UnsafeMutablePointer<sockaddr>) -> UInt32 {
            p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt32(bigEndian: $0.pointee.sin_addr.s_addr) }
        }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            let flags = entry.pointee.ifa_flags
            guard flags & UInt32(IFF_UP) != 0, let addr = entry.pointee.ifa_addr,
                  addr.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            var broadcast: UInt32? = nil
            if flags & UInt32(IFF_BROADCAST) != 0, let b = entry.pointee.ifa_ifu.ifu_broadaddr,
               b.pointee.sa_family == sa_family_t(AF_INET) {
                broadcast = value(b)
            }
            result.append((value(addr), broadcast))
        }
        return result
    }
}
