import Testing
@testable import OmniAPI

@Suite struct HTTPRequestParserTests {
    func parser(maxBody: Int = 1000) -> HTTPRequestParser { HTTPRequestParser(maxHeaderBytes: 200, maxBodyBytes: maxBody) }

    @Test func requestSplitAcrossReadsIsParsedOnceComplete() {
        let bytes = Array("POST /v1/x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello".utf8)
        var p = parser()
        for cut in 1..<bytes.count {
            #expect(p.parse(Array(bytes[..<cut])) == .needMore, "cut at \(cut)")
        }
        guard case .request(let r, let consumed) = p.parse(bytes) else { Issue.record("no request"); return }
        #expect(consumed == bytes.count)
        #expect(r.method == "POST" && r.path == "/v1/x" && r.body == Array("hello".utf8) && r.header("host") == "a")
    }

    @Test func chunkedBodyIsDecoded() {
        let bytes = Array("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\nGET".utf8)
        var p = parser()
        guard case .request(let r, let consumed) = p.parse(bytes) else { Issue.record("no request"); return }
        #expect(String(decoding: r.body, as: UTF8.self) == "abcde")
        #expect(consumed == bytes.count - 3)
    }

    @Test(arguments: [
        ("\u{1}\u{2}garbage\r\n\r\n", 400),
        ("GET /\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\n\r\n", 505),
        ("GET nopath HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n folded\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfff\r\n", 413),
    ])
    func malformedHeadsAreRejected(input: String, status: Int) {
        var p = parser()
        guard case .failure(let error) = p.parse(Array(input.utf8)) else { Issue.record("accepted \(input.debugDescription)"); return }
        #expect(error.status == status, "\(input.debugDescription)")
    }

    @Test func oversizedHeadIs431() {
        var p = parser()
        let head = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 300)
        guard case .failure(let error) = p.parse(Array(head.utf8)) else { Issue.record("accepted"); return }
        #expect(error.status == 431)
    }

    @Test func keepAliveFollowsVersionAndConnectionHeader() {
        #expect(HTTPRequest(method: "GET", target: "/", minorVersion: 1).keepAlive)
        #expect(!HTTPRequest(method: "GET", target: "/", minorVersion: 1, headers: [("Connection", "close")]).keepAlive)
        #expect(!HTTPRequest(method: "GET", target: "/", minorVersion: 0).keepAlive)
        #expect(HTTPRequest(method: "GET", target: "/", minorVersion: 0, headers: [("connection", "Keep-Alive")]).keepAlive)
    }
}
