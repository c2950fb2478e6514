import Foundation

/// A Hugging Face `tokenizer.json` tokenizer (BPE: byte-level as in Llama 3 / Qwen / GPT-2,
/// or SentencePiece-style with byte fallback as in Llama 2 / Mistral), matching the
/// `tokenizers` library id for id. Immutable after init; `encode` and `decode` are safe to
/// call from many threads at once.
public final class Tokenizer: @unchecked Sendable {
    private let model: BPEModel
    private let normalizer: Normalizer?
    let preTokenizer: PreTokenizer?
    private let postProcessor: PostProcessor?
    private let decoder: Decoder?
    private let addedTokens: [AddedToken]
    private let rawMatcher: AddedTokenMatcher
    private let normalizedMatcher: AddedTokenMatcher
    /// Token string of every id, added tokens included.
    private let tokenForId: [String?]
    /// Id of every token string (model vocabulary, then added tokens), keyed by UTF-8 bytes.
    private let idForTokenBytes: [ByteString: Int]
    /// For byte-level decoders: the raw bytes each id decodes to (nil when not byte-level).
    let decodedBytesForId: [[UInt8]]?
    private let config: TokenizerConfig

    /// Ids of the added tokens marked `special` (skipped by `decode(skipSpecialTokens: true)`).
    public let specialTokenIds: Set<Int>

    /// Loads `tokenizer.json` and, when present, `tokenizer_config.json` from `directory`.
    public convenience init(directory: URL) throws {
        let tokenizerURL = directory.appendingPathComponent("tokenizer.json")
        let configURL = directory.appendingPathComponent("tokenizer_config.json")
        let tokenizerData: Data
        do {
            tokenizerData = try Data(contentsOf: tokenizerURL)
        } catch {
            throw TokenizerError.unreadableFile(path: tokenizerURL.path, reason: error.localizedDescription)
        }
        var configData: Data?
        if FileManager.default.fileExists(atPath: configURL.path) {
            do {
                configData = try Data(contentsOf: configURL)
            } catch {
                throw TokenizerError.unreadableFile(path: configURL.path, reason: error.localizedDescription)
            }
        }
        try self.init(tokenizerJSON: tokenizerData, tokenizerConfigJSON: configData)
    }

    /// Builds a tokenizer from the bytes of `tokenizer.json` and optionally `tokenizer_config.json`.
    public init(tokenizerJSON: Data, tokenizerConfigJSON: Data? = nil) throws {
        let root = try JSONCursor.parse([UInt8](tokenizerJSON), file: "tokenizer.json")
        if let configJSON = tokenizerConfigJSON {
            config = try TokenizerConfig(json: JSONCursor.parse([UInt8](configJSON), file: "tokenizer_config.json"))
        } else {
            config = TokenizerConfig()
        }
        normalizer = try root.optional("normalizer").map { (json) throws(TokenizerError) in try Normalizer(json: json) }
        preTokenizer = try root.optional("pre_tokenizer").map { (json) throws(TokenizerError) in try PreTokenizer(json: json) }
        postProcessor = try root.optional("post_processor").map { (json) throws(TokenizerError) in try PostProcessor(json: json) }
        decoder = try root.optional("decoder").map { (json) throws(TokenizerError) in try Decoder(json: json) }
        let byteLevel = preTokenizer?.containsByteLevel ?? false
        model = try BPEModel(json: root.required("model"), byteLevel: byteLevel)

        var addedTokens: [AddedToken] = []
        if let list = try root.optional("added_tokens") {
            for item in try list.array() {
                let token = try AddedToken(json: item)
                guard token.id < 4_194_304 else { throw try item.required("id").invalid("token id \(token.id) is too large") }
                if !token.content.isEmpty { addedTokens.append(token) }
            }
        }
        self.addedTokens = addedTokens
        let rawTokens = addedTokens.filter { !$0.normalized }
        rawMatcher = AddedTokenMatcher(tokens: rawTokens, patterns: rawTokens.map(\.content))
        let normalizedTokens = addedTokens.filter(\.normalized)
        let normalizer = self.normalizer
        normalizedMatcher = AddedTokenMatcher(tokens: normalizedTokens,
                                              patterns: normalizedTokens.map { normalizer?.apply($0.content) ?? $0.content })
        specialTokenIds = Set(addedTokens.filter(\.special).map(\.id))

        var tokenForId = model.tokens
        var idForTokenBytes: [ByteString: Int] = [:]
        idForTokenBytes.reserveCapacity(model.idForTokenBytes.count + addedTokens.count)
        for (bytes, id) in model.idForTokenBytes { idForTokenBytes[bytes] = Int(id) }
        let largestAddedId = addedTokens.map(\.id).max() ?? -1
        if largestAddedId >= tokenForId.count {
            tokenForId += [String?](repeating: nil, count: largestAddedId + 1 - tokenForId.count)
        }
        for token in addedTokens {
            tokenForId[token.id] = token.content
            idForTokenBytes[ByteString(token.content)] = token.id
        }
        self.tokenForId = tokenForId
        self.idForTokenBytes = idForTokenBytes

        if decoder?.isPureByteLevel ?? false {
            decodedBytesForId = tokenForId.map { token in
                guard let token else { return [] }
                return ByteLevelAlphabet.bytes(ofToken: token) ?? Array(token.utf8)
            }
        } else {
            decodedBytesForId = nil
        }
    }

    // MARK: - Vocabulary

    /// Number of distinct tokens: the model vocabulary plus added tokens not already in it.
    public var vocabularySize: Int { idForTokenBytes.count }

    /// The id of `token` (exact string, compared by UTF-8 bytes), or nil.
    public func id(forToken token: String) -> Int? {
        idForTokenBytes[ByteString(token)]
    }

    /// The token string of `id`, or nil when no token has that id.
    public func token(forId id: Int) -> String? {
        guard id >= 0, id < tokenForId.count else { return nil }
        return tokenForId[id]
    }

    /// Whether `id` is an added token marked special.
    public func isSpecialToken(_ id: Int) -> Bool {
        specialTokenIds.contains(id)
    }

    // MARK: - tokenizer_config.json

    /// `bos_token` from tokenizer_config.json, or nil.
    public var bosToken: String? { config.bosToken }
    /// The id of `bosToken`, or nil.
    public var bosTokenId: Int? { config.bosToken.flatMap { id(forToken: $0) } }
    /// `eos_token` from tokenizer_config.json, or nil.
    public var eosToken: String? { config.eosToken }
    /// The id of `eosToken`, or nil.
    public var eosTokenId: Int? { config.eosToken.flatMap { id(forToken: $0) } }
    /// `add_bos_token` from tokenizer_config.json, or nil when absent.
    public var addBosToken: Bool? { config.addBosToken }
    /// Chat templates by name; a single template string is named "default".
    public var chatTemplates: [String: String] { config.chatTemplates }

    // MARK: - Encoding

    /// The ids of `text`, equal to `tokenizers`' `encode(text, add_special_tokens:).ids`.
    public func encode(_ text: String, addSpecialTokens: Bool = true) -> [Int] {
        var ids: [Int] = []
        ids.reserveCapacity(text.utf8.count / 3 + 4)
        var merger = BPEMerger(model: model)
        let bytes = Array(text.utf8)
        if bytes.isEmpty {
            encodeText([], atTextStart: true, into: &ids, merger: &merger)
        }
        for segment in rawMatcher.split(bytes) {
            switch segment {
            case let .token(id):
                ids.append(id)
            case let .text(range):
                encodeText(bytes[range], atTextStart: range.lowerBound == 0, into: &ids, merger: &merger)
            }
        }
        if addSpecialTokens, let postProcessor { return postProcessor.apply(ids) }
        return ids
    }

    /// Normalizes one run of text between raw added tokens, splits out normalized added
    /// tokens, pre-tokenizes and runs BPE.
    private func encodeText(_ text: ArraySlice<UInt8>, atTextStart: Bool, into ids: inout [Int], merger: inout BPEMerger) {
        let normalized: [UInt8]
        if let normalizer {
            normalized = Array(normalizer.apply(String(decoding: text, as: UTF8.self)).utf8)
        } else {
            normalized = Array(text)
        }
        let segments: [AddedTokenMatcher.Segment] = normalizedMatcher.isEmpty || normalized.isEmpty
            ? [.text(0..<normalized.count)] : normalizedMatcher.split(normalized)
        for segment in segments {
            switch segment {
            case let .token(id):
                ids.append(id)
            case let .text(range):
                var pieces = PieceList(bytes: range.count == normalized.count ? normalized : Array(normalized[range]),
                                       atTextStart: atTextStart && range.lowerBound == 0)
                if let preTokenizer { pieces = preTokenizer.apply(pieces) }
                for index in 0..<pieces.count {
                    merger.encode(pieces.piece(index), into: &ids)
                }
            }
        }
    }

    // MARK: - Decoding

    /// The text of `ids`, equal to `tokenizers`' `decode(ids, skip_special_tokens:)` (and to
    /// transformers 5's `decode`, which no longer applies `clean_up_tokenization_spaces` to BPE
    /// tokenizers). Unknown ids are skipped.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = false) -> String {
        if let decodedBytesForId {
            var bytes: [UInt8] = []
            for id in ids where id >= 0 && id < decodedBytesForId.count {
                if skipSpecialTokens, specialTokenIds.contains(id) { continue }
                bytes.append(contentsOf: decodedBytesForId[id])
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var tokens: [String] = []
        tokens.reserveCapacity(ids.count)
        for id in ids {
            if skipSpecialTokens, specialTokenIds.contains(id) { continue }
            if let token = token(forId: id) { tokens.append(token) }
        }
        guard let decoder else { return tokens.joined(separator: " ") }
        return decoder.decodeChain(tokens).joined()
    }
}
