/// Decodes ids one at a time as they are generated. Text is released only once it can no
/// longer change: never half a UTF-8 character, and the concatenation of everything `append`
/// and `flush` return equals `tokenizer.decode(allIds, skipSpecialTokens:)`.
public struct StreamingDetokenizer {
    private let tokenizer: Tokenizer
    private let skipSpecialTokens: Bool
    /// Byte-level path: bytes not yet released (at most one incomplete UTF-8 sequence).
    private var pendingBytes: [UInt8] = []
    /// General path: the last few released ids (decode context) and the ids not yet released.
    private var contextIds: [Int] = []
    private var pendingIds: [Int] = []
    /// How many released ids are kept as context for the next decode.
    private static let contextLength = 4

    /// A stream decoding with `tokenizer`; with `skipSpecialTokens`, special added tokens
    /// produce no text (as in `decode(_:skipSpecialTokens:)`).
    public init(tokenizer: Tokenizer, skipSpecialTokens: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecialTokens = skipSpecialTokens
    }

    /// Adds `id` and returns the text that became final (possibly empty).
    public mutating func append(_ id: Int) -> String {
        if skipSpecialTokens, tokenizer.isSpecialToken(id) { return "" }
        if let table = tokenizer.decodedBytesForId {
            guard id >= 0, id < table.count else { return "" }
            pendingBytes.append(contentsOf: table[id])
            let complete = Self.completePrefixLength(pendingBytes)
            guard complete > 0 else { return "" }
            let text = String(decoding: pendingBytes[..<complete], as: UTF8.self)
            pendingBytes.removeFirst(complete)
            return text
        }
        pendingIds.append(id)
        // A trailing run of <0xXX> byte-fallback tokens decodes as a whole (all of it turns
        // into U+FFFD while any character in it is incomplete), so hold it back until a token
        // that ends the run arrives.
        if let token = tokenizer.token(forId: id), Decoder.fallbackByte(token) != nil { return "" }
        return releasePending()
    }

    /// Releases the text the pending ids add after the context: decode(context + pending)
    /// minus decode(context). Decoding the context too makes first-token rules (Metaspace,
    /// Strip) apply to the same token as in a full decode, so the pieces concatenate to it.
    private mutating func releasePending() -> String {
        guard !pendingIds.isEmpty else { return "" }
        let base = Array(tokenizer.decode(contextIds, skipSpecialTokens: skipSpecialTokens).utf8)
        let full = Array(tokenizer.decode(contextIds + pendingIds, skipSpecialTokens: skipSpecialTokens).utf8)
        contextIds = Array((contextIds + pendingIds).suffix(Self.contextLength))
        pendingIds.removeAll()
        guard full.count > base.count, full.starts(with: base) else { return "" }
        return String(decoding: full[base.count...], as: UTF8.self)
    }

    /// Returns whatever is still held back (lossily decoded) and resets the stream.
    public mutating func flush() -> String {
        defer {
            pendingBytes.removeAll()
            contextIds.removeAll()
            pendingIds.removeAll()
        }
        if tokenizer.decodedBytesForId != nil {
            return String(decoding: pendingBytes, as: UTF8.self)
        }
        return releasePending()
    }

    /// Length of the longest prefix of `bytes` after which no UTF-8 sequence is still waiting
    /// for continuation bytes. Invalid bytes count as complete (they decode to U+FFFD either way).
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        // Look at most 3 bytes back for the lead byte of an unfinished sequence.
        var index = bytes.count - 1
        var continuation = 0
        while index >= 0, continuation < 3, bytes[index] & 0xC0 == 0x80 {
            index -= 1
            continuation += 1
        }
        guard index >= 0 else { return bytes.count }
        let lead = bytes[index]
        let expected: Int
        switch lead {
        case 0xC2...0xDF: expected = 1
        case 0xE0...0xEF: expected = 2
        case 0xF0...0xF4: expected = 3
        default: return bytes.count
        }
        guard continuation < expected else { return bytes.count }
        // The unfinished sequence must itself be a valid prefix, else it is already an error.
        if continuation >= 1 {
            let second = bytes[index + 1]
            if lead == 0xE0, second < 0xA0 { return bytes.count }
            if lead == 0xED, second > 0x9F { return bytes.count }
            if lead == 0xF0, second < 0x90 { return bytes.count }
            if lead == 0xF4, second > 0x8F { return bytes.count }
        }
        return index
    }
}
