import Foundation

/// Incremental HTTP/1.x request parser (no I/O): feed it the bytes received so far and it says
/// whether a request is complete, more bytes are needed, or the input is malformed.
struct HTTPRequestParser {
    let maxHeaderBytes: Int
    let maxBodyBytes: Int

    enum Step: Equatable {
        case needMore
        /// The head is complete and the client asked for `100 Continue` before sending the body.
        case continueExpected
        /// A complete request that used `consumed` bytes of the buffer.
        case request(HTTPRequest, consumed: Int)
        case failure(APIError)
    }

    private enum Framing { case none, length(Int), chunked }
    private var head: HTTPRequest?
    private var headLength = 0
    private var framing = Framing.none
    private var scannedTo = 0
    private var continueAnswered = false
    // Chunked body progress.
    private var chunkOffset = 0
    private var decoded: [UInt8] = []

    init(maxHeaderBytes: Int, maxBodyBytes: Int) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }

    /// Whether any part of a request has been seen (for timeouts).
    var hasHead: Bool { head != nil }

    /// Starts over for the next request on the connection.
    mutating func reset() {
        head = nil; headLength = 0; framing = .none; scannedTo = 0; continueAnswered = false
        chunkOffset = 0; decoded = []
    }

    mutating func parse(_ buffer: [UInt8]) -> Step {
        if head == nil {
            guard let end = Self.headEnd(buffer, from: max(0, scannedTo - 3)) else {
                if buffer.count > maxHeaderBytes { return .failure(.headersTooLarge(limit: maxHeaderBytes)) }
                scannedTo = buffer.count
                // Leading garbage that cannot start a request line: fail fast.
                if let first = buffer.first, !(Self.isTokenByte(first) || first == 13 || first == 10) {
                    return .failure(.badHTTP("The request does not start with an HTTP method."))
                }
                return .needMore
            }
            if end > maxHeaderBytes { return .failure(.headersTooLarge(limit: maxHeaderBytes)) }
            switch parseHead(Array(buffer[0..<end])) {
            case .failure(let e): return .failure(e)
            case .success(let (request, framing)):
                self.head = request
                self.headLength = end
                self.framing = framing
            }
        }
        guard var request = head else { return .needMore }
        switch framing {
        case .none:
            return .request(request, consumed: headLength)
        case .length(let n):
            if buffer.count - headLength >= n {
                request.body = Array(buffer[headLength..<(headLength + n)])
                return .request(request, consumed: headLength + n)
            }
            return expectContinue(request)
        case .chunked:
            switch decodeChunks(buffer) {
            case .failure(let e): return .failure(e)
            case .success(let done):
                if done {
                    request.body = decoded
                    return .request(request, consumed: chunkOffset)
                }
                return expectContinue(request)
            }
        }
    }

    private mutating func expectContinue(_ request: HTTPRequest) -> Step {
        if !continueAnswered, request.minorVersion == 1, request.header("Expect")?.lowercased() == "100-continue" {
            continueAnswered = true
            return .continueExpected
        }
        return .needMore
    }

    /// Index just past the blank line ending the head (CRLFCRLF, or bare LFLF).
    static func headEnd(_ b: [UInt8], from start: Int) -> Int? {
        var i = start
        while i < b.count {
            if b[i] == 10 {
                if i + 1 < b.count, b[i + 1] == 10 { return i + 2 }
                if i + 2 < b.count, b[i + 1] == 13, b[i + 2] == 10 { return i + 3 }
            }
            i += 1
        }
        return nil
    }

    static func isTokenByte(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return "!#$%&'*+-.^_`|~".utf8.contains(c)
        }
    }

    private func parseHead(_ bytes: [UInt8]) -> Result<(HTTPRequest, Framing), APIError> {
        // Header bytes must be ASCII/Latin-1 text without NUL; decode as ISO Latin-1 for safety.
        if bytes.contains(0) { return .failure(.badHTTP("The request head contains a NUL byte.")) }
        // Split on bytes: Swift's String treats CRLF as one Character. Bytes above 0x7F in header
        // values are kept as Latin-1 text.
        var lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map { line -> Substring in
            let trimmed = line.last == 13 ? line.dropLast() : line
            return Substring(String(trimmed.map { Character(Unicode.Scalar($0)) }))
        }
        // Ignore empty lines before the request line (RFC 9112 section 2.2).
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        guard let requestLine = lines.first else { return .failure(.badHTTP("Missing request line.")) }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .failure(.badHTTP("Malformed request line; expected 'METHOD TARGET HTTP/1.1'.")) }
        let method = String(parts[0]), target = String(parts[1]), version = parts[2]
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else { return .failure(.badHTTP("Malformed method in the request line.")) }
        guard target.hasPrefix("/") || target == "*", !target.utf8.contains(where: { $0 <= 32 || $0 >= 127 }) else {
            return .failure(.badHTTP("Malformed request target; expected a path starting with '/'."))
        }
        let minor: Int
        switch version {
        case "HTTP/1.1": minor = 1
        case "HTTP/1.0": minor = 0
        default:
            if version.hasPrefix("HTTP/") { return .failure(.httpVersionNotSupported("Only HTTP/1.0 and HTTP/1.1 are supported.")) }
            return .failure(.badHTTP("Malformed HTTP version in the request line."))
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() where !line.isEmpty {
            if line.first == " " || line.first == "\t" { return .failure(.badHTTP("Folded header lines are not accepted.")) }
            guard let colon = line.firstIndex(of: ":") else { return .failure(.badHTTP("A header line has no ':'.")) }
            let name = String(line[..<colon])
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else { return .failure(.badHTTP("Malformed header name '\(name.prefix(40))'.")) }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            headers.append((name, value))
        }
        var request = HTTPRequest(method: method, target: target, minorVersion: minor, headers: headers)
        request.body = []
        let lengths = headers.filter { $0.name.lowercased() == "content-length" }.map(\.value)
        let encodings = headers.filter { $0.name.lowercased() == "transfer-encoding" }.map { $0.value.lowercased() }
        if !encodings.isEmpty {
            guard lengths.isEmpty else { return .failure(.badHTTP("Both Content-Length and Transfer-Encoding were sent.")) }
            guard encodings == ["chunked"] else { return .failure(.notImplemented("Only 'chunked' Transfer-Encoding is supported.")) }
            return .success((request, .chunked))
        }
        if let first = lengths.first {
            guard lengths.allSatisfy({ $0 == first }), !first.isEmpty, first.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), first.count <= 18,
                  let n = Int(first) else {
                return .failure(.badHTTP("Invalid Content-Length header."))
            }
            if n > maxBodyBytes { return .failure(.payloadTooLarge(limit: maxBodyBytes)) }
            return .success((request, n == 0 ? .none : .length(n)))
        }
        return .success((request, .none))
    }

    /// Decodes as many complete chunks as the buffer holds; true when the last chunk and trailers are in.
    private mutating func decodeChunks(_ b: [UInt8]) -> Result<Bool, APIError> {
        if chunkOffset < headLength { chunkOffset = headLength }
        while true {
            guard let lineEnd = Self.lineEnd(b, from: chunkOffset) else {
                if b.count - chunkOffset > 1024 { return .failure(.badHTTP("Malformed chunk size line.")) }
                return .success(false)
            }
            let line = b[chunkOffset..<lineEnd.contentEnd]
            let sizeText = String(decoding: line.prefix { $0 != UInt8(ascii: ";") }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            guard !sizeText.isEmpty, sizeText.count <= 8, let size = Int(sizeText, radix: 16), size >= 0 else {
                return .failure(.badHTTP("Malformed chunk size '\(sizeText.prefix(20))'."))
            }
            if size == 0 {
                // Trailers end with an empty line.
                var at = lineEnd.next
                while true {
                    guard let end = Self.lineEnd(b, from: at) else {
                        if b.count - at > maxHeaderBytes { return .failure(.headersTooLarge(limit: maxHeaderBytes)) }
                        return .success(false)
                    }
                    if end.contentEnd == at { chunkOffset = end.next; return .success(true) }
                    at = end.next
                }
            }
            if decoded.count + size > maxBodyBytes { return .failure(.payloadTooLarge(limit: maxBodyBytes)) }
            let dataStart = lineEnd.next
            guard b.count >= dataStart + size + 2 else { return .success(false) }
            guard b[dataStart + size] == 13, b[dataStart + size + 1] == 10 else { return .failure(.badHTTP("A chunk is not followed by CRLF.")) }
            decoded.append(contentsOf: b[dataStart..<(dataStart + size)])
            chunkOffset = dataStart + size + 2
        }
    }

    private static func lineEnd(_ b: [UInt8], from start: Int) -> (contentEnd: Int, next: Int)? {
        var i = start
        while i < b.count {
            if b[i] == 10 { return (i > start && b[i - 1] == 13 ? i - 1 : i, i + 1) }
            i += 1
        }
        return nil
    }
}
