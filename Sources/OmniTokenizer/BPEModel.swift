/// A tokenizer.json BPE `model`: vocabulary, merge ranks and the options that decide how a
/// pre-tokenized piece becomes ids. Pieces arrive as raw UTF-8 bytes; with `byteLevel` every
/// byte is a symbol (GPT-2 alphabet), otherwise every character is, with optional byte fallback.
struct BPEModel: Sendable {
    /// Token string for each id (nil for ids the vocabulary skips).
    let tokens: [String?]
    /// Id of each token string, keyed by its UTF-8 bytes (exact, not canonical, equality).
    let idForTokenBytes: [ByteString: Int32]
    /// Id of each token, keyed by the raw piece bytes it covers (equals `idForTokenBytes`
    /// unless byte-level, where tokens are spelled in the GPT-2 alphabet).
    let idForPieceBytes: [ByteString: Int32]
    let merges: PairRankTable
    let byteLevel: Bool
    /// Byte-level: the id of each single-byte token (-1 when missing).
    let idForByte: [Int32]
    /// Non-byte-level: the id of each single-character token, keyed by scalar value.
    let idForScalar: [UInt32: Int32]
    /// Ids of the `<0xXX>` tokens (-1 when missing), used with `byteFallback`.
    let byteFallbackIds: [Int32]
    let byteFallback: Bool
    let unknownId: Int32?
    let fuseUnknown: Bool
    let ignoreMerges: Bool

    init(json: JSONCursor, byteLevel: Bool) throws(TokenizerError) {
        let type = try json.optionalString("type") ?? "BPE"
        guard type == "BPE" else { throw try json.required("type").unsupported("'\(type)'") }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = try json.optionalString(key), !value.isEmpty {
                throw try json.required(key).unsupported("'\(value)'")
            }
        }
        self.byteLevel = byteLevel
        byteFallback = try json.optionalBool("byte_fallback") ?? false
        fuseUnknown = try json.optionalBool("fuse_unk") ?? false
        ignoreMerges = try json.optionalBool("ignore_merges") ?? false

        let vocabCursor = try json.required("vocab")
        guard case let .object(vocabMembers) = vocabCursor.value else { throw vocabCursor.wrongType("an object") }
        var idForTokenBytes: [ByteString: Int32] = [:]
        idForTokenBytes.reserveCapacity(vocabMembers.count)
        var maxId = -1
        for member in vocabMembers {
            guard case let .number(number) = member.value, number.rounded() == number, number >= 0, number < 4_194_304 else {
                throw .invalidValue(file: json.file, path: "\(vocabCursor.path).\(member.key)",
                                    reason: "token id must be an integer in 0..<4194304")
            }
            idForTokenBytes[ByteString(member.key)] = Int32(number)
            maxId = max(maxId, Int(number))
        }
        var tokens = [String?](repeating: nil, count: maxId + 1)
        for member in vocabMembers {
            if case let .number(number) = member.value { tokens[Int(number)] = member.key }
        }
        self.tokens = tokens
        self.idForTokenBytes = idForTokenBytes

        var idForByte = [Int32](repeating: -1, count: 256)
        var idForScalar: [UInt32: Int32] = [:]
        if byteLevel {
            var idForPieceBytes: [ByteString: Int32] = [:]
            idForPieceBytes.reserveCapacity(idForTokenBytes.count)
            for member in vocabMembers {
                guard case let .number(number) = member.value,
                      let bytes = ByteLevelAlphabet.bytes(ofToken: member.key) else { continue }
                idForPieceBytes[ByteString(bytes)] = Int32(number)
                if bytes.count == 1 { idForByte[Int(bytes[0])] = Int32(number) }
            }
            self.idForPieceBytes = idForPieceBytes
        } else {
            idForPieceBytes = idForTokenBytes
            for member in vocabMembers {
                let scalars = member.key.unicodeScalars
                if scalars.count == 1, let scalar = scalars.first, case let .number(number) = member.value {
                    idForScalar[scalar.value] = Int32(number)
                }
            }
        }
        self.idForByte = idForByte
        self.idForScalar = idForScalar
        var byteFallbackIds = [Int32](repeating: -1, count: 256)
        let hexDigits = Array("0123456789ABCDEF".utf8)
        for byte in 0..<256 {
            let name: [UInt8] = Array("<0x".utf8) + [hexDigits[byte >> 4], hexDigits[byte & 15], UInt8(ascii: ">")]
            byteFallbackIds[byte] = idForTokenBytes[ByteString(name)] ?? -1
        }
        self.byteFallbackIds = byteFallbackIds

        if let unknown = try json.optional("unk_token") {
            let name = try unknown.string()
            guard let id = idForTokenBytes[ByteString(name)] else {
                throw unknown.invalid("unknown token '\(name)' is not in model.vocab")
            }
            unknownId = id
        } else {
            unknownId = nil
        }
        merges = try Self.readMerges(json, idForTokenBytes: idForTokenBytes)
    }

    private static func readMerges(_ json: JSONCursor, idForTokenBytes: [ByteString: Int32]) throws(TokenizerError) -> PairRankTable {
        guard let mergesCursor = try json.optional("merges") else { return PairRankTable(capacity: 0) }
        guard case let .array(entries) = mergesCursor.value else { throw mergesCursor.wrongType("an array") }
        var table = PairRankTable(capacity: entries.count)
        for (rank, entry) in entries.enumerated() {
            var path: String { "\(mergesCursor.path)[\(rank)]" }
            let left: [UInt8], right: [UInt8]
            switch entry {
            case let .string(text):
                let bytes = Array(text.utf8)
                guard let space = bytes.firstIndex(of: UInt8(ascii: " ")),
                      !bytes[(space + 1)...].contains(UInt8(ascii: " ")) else {
                    throw .invalidValue(file: json.file, path: path, reason: "merge '\(text)' is not two tokens separated by one space")
                }
                left = Array(bytes[..<space])
                right = Array(bytes[(space + 1)...])
            case let .array(pair):
                guard pair.count == 2, case let .string(first) = pair[0], case let .string(second) = pair[1] else {
                    throw .invalidValue(file: json.file, path: path, reason: "merge must be a pair of strings")
                }
                left = Array(first.utf8)
                right = Array(second.utf8)
            default:
                throw .wrongType(file: json.file, path: path, expected: "a string or a pair of strings", found: entry.typeName)
            }
            guard let leftId = idForTokenBytes[ByteString(left)], let rightId = idForTokenBytes[ByteString(right)] else {
                throw .invalidValue(file: json.file, path: path,
                                    reason: "merge of '\(String(decoding: left, as: UTF8.self))' and '\(String(decoding: right, as: UTF8.self))' uses a token missing from model.vocab")
            }
            guard let mergedId = idForTokenBytes[ByteString(left + right)] else {
                throw .invalidValue(file: json.file, path: path,
                                    reason: "merged token '\(String(decoding: left + right, as: UTF8.self))' is missing from model.vocab")
            }
            table.insert(left: leftId, right: rightId, rank: Int32(rank), merged: mergedId)
        }
        return table
    }
}
