import Foundation
import Glibc

/// One client connection's state; touched only on the server's event-loop thread.
final class HTTPConnection {
    enum Phase { case reading, handling, closing }
    enum DeadlineKind { case idle, header, body }

    let fd: Int32
    var input: [UInt8] = []
    var output: [UInt8] = []
    var outputOffset = 0
    var parser: HTTPRequestParser
    var phase = Phase.reading
    /// Increases with each request, so a late writer cannot write into a later response.
    var serial: UInt64 = 0
    var keepAlive = false
    /// Streaming with chunked framing (HTTP/1.1) rather than close-delimited (HTTP/1.0).
    var chunked = false
    var deadline: ContinuousClock.Instant?
    var deadlineKind = DeadlineKind.idle
    /// Called when the connection closes while a request is being handled (cancels generation).
    var onClose: (() -> Void)?
    /// The write side has been shut down after the last response.
    var shutDown = false

    init(fd: Int32, parser: HTTPRequestParser) {
        self.fd = fd
        self.parser = parser
    }

    var pendingOutput: Int { output.count - outputOffset }

    func enqueue(_ bytes: [UInt8]) {
        if outputOffset > 0 && outputOffset == output.count {
            output.removeAll(keepingCapacity: true)
            outputOffset = 0
        }
        output.append(contentsOf: bytes)
    }

    /// Writes pending output; false when the peer is gone.
    func flush() -> Bool {
        while outputOffset < output.count {
            let n = output.withUnsafeBytes { raw -> Int? in
                Sockets.send(fd, UnsafeRawBufferPointer(rebasing: raw[outputOffset...]))
            }
            guard let n else { return false }
            if n == 0 { break }
            outputOffset += n
        }
        if outputOffset == output.count {
            output.removeAll(keepingCapacity: output.capacity <= 1 << 20)
            outputOffset = 0
        } else if outputOffset > 1 << 20 {
            output.removeFirst(outputOffset)
            outputOffset = 0
        }
        return true
    }

    /// Reads what is available; returns false on EOF or error.
    func readAvailable(limit: Int) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var rounds = 0
        while input.count < limit && rounds < 16 {
            rounds += 1
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                input.append(contentsOf: buffer[0..<n])
                if n < buffer.count { return true }
            } else if n == 0 {
                return false
            } else {
                return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
            }
        }
        return true
    }
}
