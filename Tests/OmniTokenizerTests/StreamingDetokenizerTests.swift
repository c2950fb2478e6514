import Foundation
import Testing
@testable import OmniTokenizer

/// Streaming decode must equal the full decode when concatenated and must never release a
/// replacement character that later bytes would have completed.
@Suite struct StreamingDetokenizerTests {
    static let allNames = FixtureSupport.trainedNames + FixtureSupport.realNames

    @Test(arguments: allNames)
    func concatenationEqualsFullDecode(name: String) throws {
        let tokenizer = try FixtureSupport.tokenizer(name)
        let cases = try FixtureSupport.reference(name).cases
        for item in cases {
            for skip in [false, true] {
                var stream = StreamingDetokenizer(tokenizer: tokenizer, skipSpecialTokens: skip)
                var pieces: [String] = []
                for id in item.ids { pieces.append(stream.append(id)) }
                pieces.append(stream.flush())
                let streamed = pieces.joined()
                let full = tokenizer.decode(item.ids, skipSpecialTokens: skip)
                #expect(Array(streamed.unicodeScalars) == Array(full.unicodeScalars),
                        "\(name): streamed \(streamed.debugDescription.prefix(60)) != \(full.debugDescription.prefix(60))")
                // No piece may invent a U+FFFD the full text does not have at that place.
                let fullReplacements = full.unicodeScalars.filter { $0 == "\u{FFFD}" }.count
                let streamedReplacements = pieces.map { $0.unicodeScalars.filter { $0 == "\u{FFFD}" }.count }.reduce(0, +)
                #expect(streamedReplacements == fullReplacements)
            }
        }
    }

    /// Emoji split over several byte tokens: nothing is released until the character is whole.
    @Test func holdsBackIncompleteCharacters() throws {
        let tokenizer = try FixtureSupport.tokenizer("gpt2_style")
        let text = "a 👩‍👩‍👧‍👦 é 日本"
        let ids = tokenizer.encode(text, addSpecialTokens: false)
        var stream = StreamingDetokenizer(tokenizer: tokenizer)
        var released = ""
        for id in ids {
            let piece = stream.append(id)
            #expect(!piece.unicodeScalars.contains("\u{FFFD}"), "released a partial character: \(piece.debugDescription)")
            released += piece
        }
        released += stream.flush()
        // The fixture adds a prefix space (ByteLevel add_prefix_space).
        #expect(Array(released.unicodeScalars) == Array((" " + text).unicodeScalars))
    }

    @Test func holdsBackIncompleteByteFallbackCharacters() throws {
        let tokenizer = try FixtureSupport.tokenizer("llama2_style")
        let text = "emoji 😀 and 日本語"
        let ids = tokenizer.encode(text, addSpecialTokens: false)
        #expect(ids.contains { tokenizer.token(forId: $0)?.hasPrefix("<0x") ?? false }, "fixture should use byte fallback here")
        var stream = StreamingDetokenizer(tokenizer: tokenizer)
        var released = ""
        for id in ids {
            let piece = stream.append(id)
            #expect(!piece.unicodeScalars.contains("\u{FFFD}"))
            released += piece
        }
        released += stream.flush()
        #expect(Array(released.unicodeScalars) == Array(tokenizer.decode(ids).unicodeScalars))
    }

    @Test func completePrefixLength() {
        typealias Detokenizer = StreamingDetokenizer
        #expect(Detokenizer.completePrefixLength([0x61, 0x62]) == 2)
        #expect(Detokenizer.completePrefixLength([0x61, 0xE6]) == 1)
        #expect(Detokenizer.completePrefixLength([0x61, 0xE6, 0x97]) == 1)
        #expect(Detokenizer.completePrefixLength([0x61, 0xE6, 0x97, 0xA5]) == 4)
        #expect(Detokenizer.completePrefixLength([0xF0, 0x9F, 0x98]) == 0)
        // Bytes that can never become valid are released (they decode to U+FFFD anyway).
        #expect(Detokenizer.completePrefixLength([0x61, 0xFF]) == 2)
        #expect(Detokenizer.completePrefixLength([0x80, 0x80, 0x80, 0x80]) == 4)
        #expect(Detokenizer.completePrefixLength([0xE0, 0x80]) == 2)
    }
}
