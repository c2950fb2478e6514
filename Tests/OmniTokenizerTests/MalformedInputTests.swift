import Foundation
import Testing
@testable import OmniTokenizer

/// Bad tokenizer files must produce a `TokenizerError` naming the problem, never a crash.
@Suite struct MalformedInputTests {
    private func load(_ json: String, config: String? = nil) throws -> Tokenizer {
        try Tokenizer(tokenizerJSON: Data(json.utf8), tokenizerConfigJSON: config.map { Data($0.utf8) })
    }

    /// The error thrown when loading `json`, or nil when it loads.
    private func loadError(_ json: String) -> TokenizerError? {
        do {
            _ = try load(json)
            return nil
        } catch let error as TokenizerError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    @Test func smallDocumentsLoadAndRoundTrip() throws {
        let sentencePiece = try load(SmallTokenizerJSON.sentencePiece)
        let ids = sentencePiece.encode("hello abc é€", addSpecialTokens: false)
        #expect(ids.first == 21)  // "▁hello" through the merge chain
        #expect(sentencePiece.decode(ids) == "hello abc é€")
        #expect(sentencePiece.encode("hello").first == 1)
        let byteLevel = try load(SmallTokenizerJSON.byteLevel)
        // "abc" is whole (ignore_merges), " ab" merges Ġ+a only, " " and "12" split apart.
        let byteIds = byteLevel.encode("abc ab 12", addSpecialTokens: false)
        #expect(byteIds == [6, 4, 1, 3, 9])
        #expect(byteLevel.decode(byteIds) == "abc ab 12")
    }

    @Test func unsupportedModelTypeIsNamed() throws {
        let json = SmallTokenizerJSON.sentencePiece.replacingOccurrences(of: #""type": "BPE""#, with: #""type": "WordPiece""#)
        let error = try #require(loadError(json))
        #expect(error.errorDescription == "tokenizer.json: model.type 'WordPiece' is not supported")
    }

    @Test func unsupportedPreTokenizerIsNamed() throws {
        let json = SmallTokenizerJSON.sentencePiece.replacingOccurrences(
            of: #""pre_tokenizer": null"#, with: #""pre_tokenizer": {"type": "BertPreTokenizer"}"#)
        let error = try #require(loadError(json))
        #expect(error == .unsupported(file: "tokenizer.json", path: "pre_tokenizer.type", what: "'BertPreTokenizer'"))
    }

    @Test func truncatedDocumentsThrowInvalidJSON() throws {
        let bytes = Array(SmallTokenizerJSON.sentencePiece.utf8)
        for length in stride(from: 0, to: bytes.count - 2, by: 7) {
            let truncated = String(decoding: bytes[..<length], as: UTF8.self)
            let error = loadError(truncated)
            guard case .invalidJSON(let file, _, _) = error else {
                Issue.record("length \(length): expected invalidJSON, got \(String(describing: error))")
                continue
            }
            #expect(file == "tokenizer.json")
        }
    }

    @Test func wrongTypesNameTheirPath() throws {
        let vocabAsArray = SmallTokenizerJSON.byteLevel.replacingOccurrences(
            of: #""vocab": {"a": 0,"#, with: #""vocab": ["a", 0], "unused": {"a": 0,"#)
        #expect(loadError(vocabAsArray) == .wrongType(file: "tokenizer.json", path: "model.vocab",
                                                       expected: "an object", found: "an array"))
        let idAsString = SmallTokenizerJSON.byteLevel.replacingOccurrences(of: #""id": 12"#, with: #""id": "12""#)
        #expect(loadError(idAsString) == .wrongType(file: "tokenizer.json", path: "added_tokens[0].id",
                                                     expected: "an integer", found: "a string"))
        let rootArray = "[1, 2, 3]"
        #expect(loadError(rootArray) == .wrongType(file: "tokenizer.json", path: "(root)", expected: "an object", found: "an array"))
    }

    @Test func missingModelIsNamed() throws {
        let error = loadError(#"{"added_tokens": []}"#)
        #expect(error == .missingField(file: "tokenizer.json", path: "model"))
        #expect(error?.errorDescription == "tokenizer.json: required field 'model' is missing")
    }

    @Test func mergeWithUnknownTokenIsNamed() throws {
        let json = SmallTokenizerJSON.byteLevel.replacingOccurrences(of: #"["1", "2"]"#, with: #"["1", "9"]"#)
        guard case .invalidValue(_, let path, let reason)? = loadError(json) else {
            Issue.record("expected invalidValue")
            return
        }
        #expect(path == "model.merges[3]")
        #expect(reason.contains("missing from model.vocab"))
    }

    @Test func badEscapesAndNestingAreRejected() throws {
        #expect(loadError(#"{"model": {"vocab": {"\ud800": 0}}}"#).map { if case .invalidJSON = $0 { true } else { false } } == true)
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(loadError(deep).map { if case .invalidJSON = $0 { true } else { false } } == true)
        #expect(loadError("").map { if case .invalidJSON = $0 { true } else { false } } == true)
    }

    @Test func badRegexIsUnsupported() throws {
        let json = SmallTokenizerJSON.byteLevel.replacingOccurrences(of: #"\\s+(?!\\S)|\\s+"}"#, with: #"(("}"#)
        guard case .unsupported(_, let path, _)? = loadError(json) else {
            Issue.record("expected unsupported regex")
            return
        }
        #expect(path == "pre_tokenizer.pretokenizers[0].pattern.Regex")
    }

    @Test func missingDirectoryIsUnreadable() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("omni-no-such-tokenizer-\(UUID().uuidString)")
        #expect {
            try Tokenizer(directory: directory)
        } throws: { error in
            guard case .unreadableFile(let path, _) = error as? TokenizerError else { return false }
            return path.hasSuffix("tokenizer.json")
        }
    }

    @Test func badConfigIsNamed() throws {
        #expect(throws: TokenizerError.wrongType(file: "tokenizer_config.json", path: "bos_token",
                                                  expected: "a string or an object with 'content'", found: "a number")) {
            try load(SmallTokenizerJSON.byteLevel, config: #"{"bos_token": 5}"#)
        }
    }
}
