import Foundation
import Testing
@testable import OmniTokenizer

/// The hand-coded scanners are chosen only for the exact pattern strings, and cut text exactly
/// like the general regex engine running the same pattern.
@Suite struct KnownSplitPatternTests {
    static let patterns = [KnownSplitPattern.gpt2Pattern, KnownSplitPattern.llama3Pattern, KnownSplitPattern.qwen2Pattern]

    @Test func recognisesOnlyExactPatterns() {
        #expect(KnownSplitPattern(pattern: KnownSplitPattern.gpt2Pattern) != nil)
        #expect(KnownSplitPattern(pattern: KnownSplitPattern.llama3Pattern) != nil)
        #expect(KnownSplitPattern(pattern: KnownSplitPattern.qwen2Pattern) != nil)
        #expect(KnownSplitPattern(pattern: KnownSplitPattern.llama3Pattern + "|x") == nil)
        #expect(KnownSplitPattern(pattern: KnownSplitPattern.llama3Pattern.replacingOccurrences(of: "{1,3}", with: "{1,2}")) == nil)
    }

    /// The split pattern kinds of a tokenizer's pre-tokenizer, in order.
    private func patternKinds(_ preTokenizer: PreTokenizer?) -> [String] {
        switch preTokenizer {
        case let .split(pattern, _, _)?:
            switch pattern {
            case .known: return ["known"]
            case .regex: return ["regex"]
            case .literal: return ["literal"]
            }
        case let .sequence(items)?: return items.flatMap { patternKinds($0) }
        default: return []
        }
    }

    @Test func realTokenizersUseScannersAndOthersTheRegexEngine() throws {
        #expect(patternKinds(try FixtureSupport.tokenizer("llama3.2").preTokenizer) == ["known"])
        #expect(patternKinds(try FixtureSupport.tokenizer("qwen").preTokenizer) == ["known"])
        #expect(patternKinds(try FixtureSupport.tokenizer("regex_fallback").preTokenizer) == ["regex"])
    }

    @Test(arguments: patterns)
    func scannerMatchesRegexEngine(pattern: String) throws {
        let scanner = try #require(KnownSplitPattern(pattern: pattern))
        let regex = SplitPattern.regex(try NSRegularExpression(pattern: pattern))
        let texts = try FixtureSupport.reference("gpt2_style").cases.map(\.text)
        for text in texts {
            let bytes = Array(text.utf8)
            let scanned = SplitPattern.known(scanner).matches(in: bytes[...])
            let matched = regex.matches(in: bytes[...])
            #expect(scanned.map { [$0.start, $0.end] } == matched.map { [$0.start, $0.end] },
                    "\(text.debugDescription.prefix(60))")
        }
    }
}
