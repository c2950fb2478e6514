import Foundation

/// Answers one request. Usable from any thread: every call is handed to the event loop, in
/// order, and ignored once the connection has closed or moved on to another request.
public final class ResponseWriter: @unchecked Sendable {
    private weak var server: HTTPServer?
    private let fd: Int32
    private let serial: UInt64
    private let keepAlive: Bool
    /// A HEAD request: the response's head only, with the Content-Length the body would have.
    private let headOnly: Bool

    init(server: HTTPServer, fd: Int32, serial: UInt64, keepAlive: Bool, headOnly: Bool = false) {
        self.server = server
        self.fd = fd
        self.serial = serial
        self.keepAlive = keepAlive
        self.headOnly = headOnly
    }

    /// A complete response with a Content-Length body.
    public func respond(status: Int, headers: [(String, String)], body: [UInt8]) {
        let headOnly = self.headOnly
        on { server, c in
            var bytes = Self.serialize(status: status, headers: headers, body: body, keepAlive: c.keepAlive)
            if headOnly { bytes.removeLast(body.count) }
            server.write(bytes, to: c)
            server.finishResponse(c)
        }
    }

    /// Sends the head of a streamed response (chunked for HTTP/1.1, close-delimited for 1.0).
    public func startStream(status: Int, headers: [(String, String)]) {
        on { server, c in
            if !c.chunked { c.keepAlive = false }
            var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            head += c.chunked ? "Transfer-Encoding: chunked\r\n" : ""
            head += "Connection: \(c.keepAlive ? "keep-alive" : "close")\r\n\r\n"
            server.write(Array(head.utf8), to: c)
        }
    }

    /// One piece of a streamed body.
    public func send(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        on { server, c in
            if c.chunked {
                var framed = Array((String(bytes.count, radix: 16) + "\r\n").utf8)
                framed.append(contentsOf: bytes)
                framed.append(contentsOf: [13, 10])
                server.write(framed, to: c)
            } else {
                server.write(bytes, to: c)
            }
        }
    }

    /// Ends a streamed body.
    public func endStream() {
        on { server, c in
            if c.chunked { server.write(Array("0\r\n\r\n".utf8), to: c) }
            server.finishResponse(c)
        }
    }

    /// What to do if the client goes away before the response is complete (runs on the loop).
    /// If the client has already gone, `action` runs at once.
    public func onClientGone(_ action: @escaping @Sendable () -> Void) {
        on({ _, c in c.onClose = action }, orElse: action)
    }

    private func on(_ work: @escaping (HTTPServer, HTTPConnection) -> Void, orElse: (@Sendable () -> Void)? = nil) {
        guard let server, server.isRunning else { orElse?(); return }
        let fd = self.fd, serial = self.serial
        server.execute { [weak server] in
            guard let server, let c = server.connection(fd, serial: serial) else { orElse?(); return }
            work(server, c)
        }
    }

    static func serialize(status: Int, headers: [(String, String)], body: [UInt8], keepAlive: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(reason(status))\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
        var bytes = Array(head.utf8)
        bytes.append(contentsOf: body)
        return bytes
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status"
        }
    }
}
