import Foundation
import Testing
@testable import OmniTokenizer

/// Id-for-id and string-for-string agreement with Python `tokenizers` on the reference corpus
/// (Scripts/tokenizer/reference_corpus.py), for trained fixtures and real tokenizers.
@Suite struct ReferenceTests {
    static let allNames = FixtureSupport.trainedNames + FixtureSupport.realNames

    /// Describes a mismatch compactly: the text and the first differing position.
    private func mismatch(_ name: String, _ text: String, _ expected: [Int], _ actual: [Int]) -> Comment {
        let first = zip(expected, actual).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(expected.count, actual.count)
        return "\(name): \(text.debugDescription.prefix(80)) differs at index \(first): expected \(expected.dropFirst(first).prefix(8)) got \(actual.dropFirst(first).prefix(8)) (lengths \(expected.count)/\(actual.count))"
    }

    @Test(arguments: allNames)
    func encodeWithSpecialTokens(name: String) throws {
        let tokenizer = try FixtureSupport.tokenizer(name)
        let reference = try FixtureSupport.reference(name)
        #expect(!reference.cases.isEmpty)
        for item in reference.cases {
            let ids = tokenizer.encode(item.text)
            #expect(ids == item.ids, mismatch(name, item.text, item.ids, ids))
        }
    }

    @Test(arguments: allNames)
    func encodeWithoutSpecialTokens(name: String) throws {
        let tokenizer = try FixtureSupport.tokenizer(name)
        for item in try FixtureSupport.reference(name).cases {
            let ids = tokenizer.encode(item.text, addSpecialTokens: false)
            #expect(ids == item.ids_without_special, mismatch(name, item.text, item.ids_without_special, ids))
        }
    }

    @Test(arguments: allNames)
    func decode(name: String) throws {
        let tokenizer = try FixtureSupport.tokenizer(name)
        for item in try FixtureSupport.reference(name).cases {
            let decoded = tokenizer.decode(item.ids)
            #expect(Array(decoded.unicodeScalars) == Array(item.decoded.unicodeScalars),
                    "\(name): decode of \(item.text.debugDescription.prefix(60)) gave \(decoded.debugDescription.prefix(80))")
            let skipping = tokenizer.decode(item.ids, skipSpecialTokens: true)
            #expect(Array(skipping.unicodeScalars) == Array(item.decoded_skipping_special.unicodeScalars),
                    "\(name): skipping decode gave \(skipping.debugDescription.prefix(80))")
        }
    }

    @Test(arguments: allNames)
    func vocabularyAndSpecialTokens(name: String) throws {
        let tokenizer = try FixtureSupport.tokenizer(name)
        let reference = try FixtureSupport.reference(name)
        #expect(tokenizer.vocabularySize == reference.vocab_size)
        #expect(tokenizer.specialTokenIds == Set(reference.special_ids))
        for id in reference.special_ids {
            let token = try #require(tokenizer.token(forId: id))
            #expect(tokenizer.id(forToken: token) == id)
        }
    }
}
