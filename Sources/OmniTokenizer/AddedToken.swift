/// An entry of tokenizer.json `added_tokens`: a string that is split out of the input before
/// normalization and BPE and maps straight to its id.
struct AddedToken: Sendable {
    let id: Int
    let content: String
    let singleWord: Bool
    let leftStrip: Bool
    let rightStrip: Bool
    let normalized: Bool
    let special: Bool

    init(json: JSONCursor) throws(TokenizerError) {
        id = try json.required("id").int()
        guard id >= 0 else { throw try json.required("id").invalid("token id must not be negative") }
        content = try json.required("content").string()
        singleWord = try json.optionalBool("single_word") ?? false
        leftStrip = try json.optionalBool("lstrip") ?? false
        rightStrip = try json.optionalBool("rstrip") ?? false
        special = try json.optionalBool("special") ?? false
        normalized = try json.optionalBool("normalized") ?? !special
    }
}

/// Finds added tokens in text the way tokenizers does: leftmost-longest matches, discarding
/// `single_word` tokens glued to word characters, widening `lstrip`/`rstrip` tokens over
/// adjacent whitespace.
struct AddedTokenMatcher: Sendable {
    /// One piece of the input: either an added token's id or a run of ordinary text.
    enum Segment {
        case token(Int)
        case text(Range<Int>)
    }

    private let tokens: [AddedToken]
    private let patterns: [[UInt8]]
    /// Trie edges keyed by `node << 8 | byte`.
    private var edges: [UInt32: Int32] = [:]
    /// Index into `tokens` of the pattern ending at each node, or -1.
    private var terminal: [Int32] = [-1]
    private var firstBytes = [Bool](repeating: false, count: 256)

    var isEmpty: Bool { tokens.isEmpty }

    /// A matcher for `tokens`, matching each one's `pattern` (its content, normalized when
    /// the token is).
    init(tokens: [AddedToken], patterns: [String]) {
        self.tokens = tokens
        self.patterns = patterns.map { Array($0.utf8) }
        for (index, pattern) in self.patterns.enumerated() where !pattern.isEmpty {
            var node: Int32 = 0
            for byte in pattern {
                let key = UInt32(node) << 8 | UInt32(byte)
                if let child = edges[key] {
                    node = child
                } else {
                    let child = Int32(terminal.count)
                    terminal.append(-1)
                    edges[key] = child
                    node = child
                }
            }
            if terminal[Int(node)] < 0 { terminal[Int(node)] = Int32(index) }
            firstBytes[Int(pattern[0])] = true
        }
    }

    /// Cuts `text` (valid UTF-8) into added tokens and text runs covering it in order.
    func split(_ text: [UInt8]) -> [Segment] {
        if tokens.isEmpty || text.isEmpty { return text.isEmpty ? [] : [.text(0..<text.count)] }
        var segments: [Segment] = []
        var consumed = 0
        var position = 0
        text.withUnsafeBufferPointer { bytes in
            while position < bytes.count {
                guard firstBytes[Int(bytes[position])], let match = longestMatch(bytes, at: position) else {
                    position += 1
                    continue
                }
                let token = tokens[match.token]
                var start = position
                var stop = match.end
                position = match.end
                if token.singleWord {
                    let glued = (start > 0 && Self.endsWithWordCharacter(bytes, before: start))
                        || (stop < bytes.count && Self.startsWithWordCharacter(bytes, at: stop))
                    if glued { continue }
                }
                if token.leftStrip {
                    start = max(Self.whitespaceRunStart(bytes, before: start), consumed)
                }
                if token.rightStrip {
                    stop = Self.whitespaceRunEnd(bytes, from: stop)
                    position = stop
                }
                if consumed < start { segments.append(.text(consumed..<start)) }
                segments.append(.token(token.id))
                consumed = stop
            }
        }
        if consumed < text.count { segments.append(.text(consumed..<text.count)) }
        return segments
    }

    private func longestMatch(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (token: Int, end: Int)? {
        var node: Int32 = 0
        var best: (token: Int, end: Int)?
        var position = start
        while position < bytes.count, let child = edges[UInt32(node) << 8 | UInt32(bytes[position])] {
            node = child
            position += 1
            let found = terminal[Int(node)]
            if found >= 0 { best = (Int(found), position) }
        }
        return best
    }

    /// Scalar ending just before byte `end`.
    private static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, before end: Int) -> (value: UInt32, start: Int) {
        var start = end - 1
        while start > 0, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return (decodeScalar(bytes, at: start).value, start)
    }

    /// Regex `\w`: alphabetic, marks, decimal digits, connector punctuation, join controls.
    private static func isWordCharacter(_ value: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(value) else { return false }
        let properties = scalar.properties
        if properties.isAlphabetic || properties.isJoinControl { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    private static func endsWithWordCharacter(_ bytes: UnsafeBufferPointer<UInt8>, before end: Int) -> Bool {
        isWordCharacter(scalar(bytes, before: end).value)
    }

    private static func startsWithWordCharacter(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        isWordCharacter(decodeScalar(bytes, at: start).value)
    }

    private static func whitespaceRunStart(_ bytes: UnsafeBufferPointer<UInt8>, before end: Int) -> Int {
        var start = end
        while start > 0 {
            let previous = scalar(bytes, before: start)
            guard ScalarClass.flags(previous.value) & ScalarClass.whitespace != 0 else { break }
            start = previous.start
        }
        return start
    }

    private static func whitespaceRunEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var end = start
        while end < bytes.count {
            let next = decodeScalar(bytes, at: end)
            guard ScalarClass.flags(next.value) & ScalarClass.whitespace != 0 else { break }
            end += next.length
        }
        return end
    }
}
