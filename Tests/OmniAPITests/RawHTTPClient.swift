import Foundation
import Glibc

/// One HTTP response as read off the wire.
struct RawResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    /// Sizes of the chunks when the body was chunked.
    var chunks: [Int]?
    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
    var error: [String: Any]? { json?["error"] as? [String: Any] }
}

/// A blocking loopback TCP client that writes raw bytes and parses HTTP/1.1 responses. Reads give
/// up after 30 s (a bound on a hang, not a timing check).
final class RawHTTPClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError.socket("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw HarnessError.socket("connect to 127.0.0.1:\(port) failed") }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    /// Sends a request with a Content-Length body.
    func request(_ method: String, _ path: String, body: String? = nil, headers: [String] = []) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for h in headers { head += h + "\r\n" }
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        send(head + "\r\n" + (body ?? ""))
    }

    /// Reads more bytes; false at EOF, error or the 30 s bound.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    private func readLine() -> String? {
        while true {
            if let i = buffer.firstIndex(of: 10) {
                let line = buffer[..<i].last == 13 ? Array(buffer[..<(i - 1)]) : Array(buffer[..<i])
                buffer.removeFirst(i + 1)
                return String(decoding: line, as: UTF8.self)
            }
            guard fill() else { return nil }
        }
    }

    private func readExactly(_ n: Int) -> [UInt8]? {
        while buffer.count < n { guard fill() else { return nil } }
        let out = Array(buffer[..<n])
        buffer.removeFirst(n)
        return out
    }

    /// Whether the server has closed the connection (reads until EOF, bounded).
    func isClosedByServer() -> Bool {
        for _ in 0..<1000 {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
        return false
    }

    /// Reads one response; nil when the connection closed first. `onChunk` sees each chunk as it arrives.
    func readResponse(onChunk: (([UInt8]) -> Bool)? = nil) -> RawResponse? {
        var status: Int?
        while status == nil {
            guard let line = readLine() else { return nil }
            let parts = line.split(separator: " ")
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]) else { return nil }
            if code != 100 { status = code } else { _ = readLine() }
        }
        var headers: [(String, String)] = []
        while let line = readLine(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var response = RawResponse(status: status ?? 0, headers: headers, body: [])
        if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            var sizes: [Int] = []
            while true {
                guard let sizeLine = readLine(), let size = Int(sizeLine, radix: 16) else { return nil }
                if size == 0 { _ = readLine(); break }
                guard let data = readExactly(size), readLine() == "" else { return nil }
                sizes.append(size)
                response.body += data
                if let onChunk, !onChunk(data) { response.chunks = sizes; return response }
            }
            response.chunks = sizes
        } else if let length = response.header("Content-Length").flatMap(Int.init) {
            guard let data = readExactly(length) else { return nil }
            response.body = data
        } else {
            while fill() {}
            response.body = buffer
            buffer = []
        }
        return response
    }
}

/// A fresh connection, one request, one response.
func fetch(_ port: Int, _ method: String, _ path: String, body: String? = nil, headers: [String] = []) throws -> RawResponse? {
    let client = try RawHTTPClient(port: port)
    client.request(method, path, body: body, headers: headers)
    return client.readResponse()
}
