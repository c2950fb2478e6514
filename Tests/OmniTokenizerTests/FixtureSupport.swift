import Foundation
@testable import OmniTokenizer

/// Locates committed fixtures and the tokenizers fetched into the repository's cache.
enum FixtureSupport {
    /// The repository root, derived from this file's path.
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let fixturesDirectory: URL = {
        if let bundled = Bundle.module.url(forResource: "Fixtures", withExtension: nil) { return bundled }
        return repositoryRoot.appendingPathComponent("Tests/OmniTokenizerTests/Fixtures")
    }()

    /// Tokenizers trained by Scripts/tokenizer/make_fixtures.py and committed.
    static let trainedNames = ["llama2_style", "metaspace_first", "metaspace_always", "gpt2_style", "custom_split",
                               "split_behaviours", "whitespace_split", "regex_fallback"]
    /// Real tokenizers fetched by Scripts/tokenizer/fetch_tokenizers.sh into .cache/tokenizers,
    /// plus Llama 3.2 with `ignore_merges` switched on (as newer Llama 3 files have it).
    static let realNames = ["llama3.2", "qwen", "llama3.2_ignore_merges"]

    struct MissingFixture: Error, CustomStringConvertible {
        let description: String
    }

    /// One reference string with what Python `tokenizers` produced for it.
    struct ReferenceCase: Decodable, Sendable {
        let text: String
        let ids: [Int]
        let ids_without_special: [Int]
        let decoded: String
        let decoded_skipping_special: String
    }

    struct ReferenceDocument: Decodable, Sendable {
        let tokenizer: String
        let vocab_size: Int
        let special_ids: [Int]
        let cases: [ReferenceCase]
    }

    static func reference(_ name: String) throws -> ReferenceDocument {
        let url = fixturesDirectory.appendingPathComponent("reference/\(name).json")
        return try JSONDecoder().decode(ReferenceDocument.self, from: Data(contentsOf: url))
    }

    /// The directory of a real tokenizer, or an error telling how to fetch it.
    static func realTokenizerDirectory(_ name: String) throws -> URL {
        let directory = repositoryRoot.appendingPathComponent(".cache/tokenizers/\(name)")
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("tokenizer.json").path) else {
            throw MissingFixture(description:
                "\(directory.path)/tokenizer.json is missing: run Scripts/tokenizer/fetch_tokenizers.sh first")
        }
        return directory
    }

    private static let cache = TokenizerCache()

    /// Loads (once per process) the tokenizer called `name`, trained or real.
    static func tokenizer(_ name: String) throws -> Tokenizer {
        try cache.tokenizer(name) {
            if trainedNames.contains(name) {
                let url = fixturesDirectory.appendingPathComponent("trained/\(name).json")
                return try Tokenizer(tokenizerJSON: Data(contentsOf: url))
            }
            if name == "llama3.2_ignore_merges" {
                let url = try realTokenizerDirectory("llama3.2").appendingPathComponent("tokenizer.json")
                let original = try String(contentsOf: url, encoding: .utf8)
                let switched = original.replacingOccurrences(of: #""ignore_merges":false"#, with: #""ignore_merges":true"#)
                    .replacingOccurrences(of: #""ignore_merges": false"#, with: #""ignore_merges": true"#)
                guard switched != original else { throw MissingFixture(description: "\(url.path) has no ignore_merges: false to switch") }
                return try Tokenizer(tokenizerJSON: Data(switched.utf8))
            }
            return try Tokenizer(directory: realTokenizerDirectory(name))
        }
    }
}

/// Tokenizers already loaded, shared by the tests of one process.
private final class TokenizerCache: @unchecked Sendable {
    private let lock = NSLock()
    private var loaded: [String: Tokenizer] = [:]

    func tokenizer(_ name: String, load: () throws -> Tokenizer) throws -> Tokenizer {
        lock.lock()
        defer { lock.unlock() }
        if let tokenizer = loaded[name] { return tokenizer }
        let tokenizer = try load()
        loaded[name] = tokenizer
        return tokenizer
    }
}
