import Foundation
import Testing
@testable import OmniTokenizer

/// Thousands of seeded random mutations of small tokenizer.json documents: loading either
/// throws a `TokenizerError` or yields a tokenizer whose encode and decode run without crashing.
@Suite struct MutationFuzzTests {
    /// SplitMix64: a small seeded generator so every run mutates the same way.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    static let fragments: [[UInt8]] = [
        "null", "true", "0", "-1", "4294967296", "1e308", "\"\"", "\"x\"", "[]", "{}", "\"\\u00e9\"", "\"\\ud83d\\ude00\"",
        "{\"type\": \"Sequence\"}", "\"type\"", ",", ":", "\"", "\\", "{", "}", "[", "]", "\"Regex\"", "\"String\"", "\"▁\"",
    ].map { Array($0.utf8) }

    static func mutate(_ bytes: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var result = bytes
        let rounds = Int.random(in: 1...3, using: &generator)
        for _ in 0..<rounds where !result.isEmpty {
            let position = Int.random(in: 0..<result.count, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0:
                result[position] = UInt8.random(in: 0...255, using: &generator)
            case 1:
                let length = Int.random(in: 1...min(40, result.count - position), using: &generator)
                result.removeSubrange(position..<(position + length))
            case 2:
                result.insert(contentsOf: fragments.randomElement(using: &generator) ?? [], at: position)
            case 3:
                let length = Int.random(in: 1...min(40, result.count - position), using: &generator)
                result.insert(contentsOf: result[position..<(position + length)], at: position)
            case 4:
                // Replace a digit run with another number.
                if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(result[position]) {
                    result[position] = UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &generator)
                }
            default:
                result[position] ^= 1 << UInt8.random(in: 0...7, using: &generator)
            }
        }
        return result
    }

    static let probes = ["hello abc é€ 12 😀", "", "  \n\t'S'll 123456 <s></s><|end|>", "ab\u{0301}c ▁ <unk>"]

    @Test(arguments: [("sentencePiece", SmallTokenizerJSON.sentencePiece), ("byteLevel", SmallTokenizerJSON.byteLevel)])
    func mutationsNeverCrash(name: String, json: String) {
        var generator = SeededGenerator(state: name == "byteLevel" ? 7 : 11)
        let original = Array(json.utf8)
        var loaded = 0
        var rejected = 0
        for _ in 0..<1500 {
            let mutated = Self.mutate(original, using: &generator)
            do {
                let tokenizer = try Tokenizer(tokenizerJSON: Data(mutated))
                loaded += 1
                for probe in Self.probes {
                    let ids = tokenizer.encode(probe)
                    _ = tokenizer.decode(ids + [-1, 1_000_000, Int.max, Int.min], skipSpecialTokens: Bool.random(using: &generator))
                    var stream = StreamingDetokenizer(tokenizer: tokenizer)
                    for id in ids + [-5] { _ = stream.append(id) }
                    _ = stream.flush()
                }
            } catch is TokenizerError {
                rejected += 1
            } catch {
                Issue.record("mutation raised a non-TokenizerError: \(error)")
            }
        }
        // Both outcomes must occur, or the mutations are not exercising anything.
        #expect(loaded > 50)
        #expect(rejected > 500)
    }
}
