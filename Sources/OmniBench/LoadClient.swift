import Foundation
import Glibc

/// A minimal blocking HTTP/1.1 client for the load benchmark: one request per connection,
/// Content-Length or chunked responses, with a callback per body piece as it arrives.
struct LoadClient {
    let host: String
    let port: Int

    /// Parses `http://host:port` (https is not supported: the API serves plain HTTP).
    init(url: String) throws {
        guard let components = URLComponents(string: url), components.scheme == "http", let host = components.host else {
            throw LoadBenchmarkError.badURL(url)
        }
        self.host = host == "localhost" ? "127.0.0.1" : host
        self.port = components.port ?? 80
    }

    struct Response {
        var status: Int
        var body: [UInt8]
    }

    func send(method: String, path: String, headers: [String], body: [UInt8], onBody: ([UInt8]) -> Void = { _ in }) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoadBenchmarkError.connection("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw LoadBenchmarkError.badURL("\(host) is not an IPv4 address") }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw LoadBenchmarkError.connection("connect to \(host):\(port): \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 300, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for h in headers { head += h + "\r\n" }
        if !body.isEmpty { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        let request = Array((head + "\r\n").utf8) + body
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw LoadBenchmarkError.connection("send failed") }
            sent += n
        }
        var reader = Reader(fd: fd)
        guard let statusLine = reader.line(), statusLine.hasPrefix("HTTP/1."), let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else {
            throw LoadBenchmarkError.connection("no HTTP response")
        }
        var chunked = false
        var length: Int?
        while let line = reader.line(), !line.isEmpty {
            let lower = line.lowercased()
            if lower.hasPrefix("transfer-encoding:") && lower.contains("chunked") { chunked = true }
            if lower.hasPrefix("content-length:") { length = Int(lower.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
        }
        var all: [UInt8] = []
        if chunked {
            while let sizeLine = reader.line(), let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16), size > 0 {
                guard let piece = reader.bytes(size) else { break }
                _ = reader.line()
                all += piece
                onBody(piece)
            }
        } else if let length {
            if let piece = reader.bytes(length) { all = piece; onBody(piece) }
        } else {
            while let piece = reader.some() { all += piece; onBody(piece) }
        }
        return Response(status: status, body: all)
    }

    private struct Reader {
        let fd: Int32
        var buffer: [UInt8] = []

        mutating func fill() -> Bool {
            var chunk = [UInt8](repeating: 0, count: 16384)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return false }
            buffer += chunk[0..<n]
            return true
        }

        mutating func line() -> String? {
            while true {
                if let i = buffer.firstIndex(of: 10) {
                    let end = i > 0 && buffer[i - 1] == 13 ? i - 1 : i
                    let text = String(decoding: buffer[..<end], as: UTF8.self)
                    buffer.removeFirst(i + 1)
                    return text
                }
                guard fill() else { return nil }
            }
        }

        mutating func bytes(_ n: Int) -> [UInt8]? {
            while buffer.count < n { guard fill() else { return nil } }
            let out = Array(buffer[..<n])
            buffer.removeFirst(n)
            return out
        }

        mutating func some() -> [UInt8]? {
            if buffer.isEmpty, !fill() { return nil }
            defer { buffer = [] }
            return buffer
        }
    }
}
