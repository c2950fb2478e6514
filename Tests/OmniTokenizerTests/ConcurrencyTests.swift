import Foundation
import Testing
@testable import OmniTokenizer

/// One tokenizer shared by several threads gives the same results as serial calls.
@Suite struct ConcurrencyTests {
    @Test func concurrentEncodeAndDecodeMatchSerial() throws {
        let tokenizer = try FixtureSupport.tokenizer("metaspace_first")
        let texts = try FixtureSupport.reference("metaspace_first").cases.map(\.text)
        let serial = texts.map { tokenizer.encode($0) }
        let results = ResultBox(count: texts.count)
        DispatchQueue.concurrentPerform(iterations: texts.count) { index in
            let ids = tokenizer.encode(texts[index])
            results.set(index, ids: ids, text: tokenizer.decode(ids))
        }
        for index in texts.indices {
            #expect(results.ids[index] == serial[index])
            #expect(results.texts[index] == tokenizer.decode(serial[index]))
        }
    }
}

/// Collects per-index results from concurrent work.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var ids: [[Int]]
    private(set) var texts: [String]

    init(count: Int) {
        ids = Array(repeating: [], count: count)
        texts = Array(repeating: "", count: count)
    }

    func set(_ index: Int, ids value: [Int], text: String) {
        lock.lock()
        defer { lock.unlock() }
        ids[index] = value
        texts[index] = text
    }
}
