/// Hand-coded scanners for the pre-tokenizer regexes that real tokenizers ship, recognised by
/// comparing the pattern string exactly. They return the same matches as the regex engines
/// (Oniguruma / fancy-regex) would, an order of magnitude faster than a general regex.
enum KnownSplitPattern: Sendable {
    /// GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    case gpt2
    /// Llama 3 / GPT-4 cl100k (`\p{N}{1,3}`) and Qwen 2 (`\p{N}`): `maxDigits` is 3 or 1.
    case cl100k(maxDigits: Int)

    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let llama3Pattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let qwen2Pattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// The scanner for `pattern`, or nil when it is not one of the known patterns.
    init?(pattern: String) {
        if pattern.utf8.elementsEqual(Self.gpt2Pattern.utf8) {
            self = .gpt2
        } else if pattern.utf8.elementsEqual(Self.llama3Pattern.utf8) {
            self = .cl100k(maxDigits: 3)
        } else if pattern.utf8.elementsEqual(Self.qwen2Pattern.utf8) {
            self = .cl100k(maxDigits: 1)
        } else {
            return nil
        }
    }

    /// Appends the end offset of every match in `text` (valid UTF-8) to `ends`; the matches
    /// of these patterns tile the whole text, so each match starts where the previous ended.
    func matchEnds(_ text: UnsafeBufferPointer<UInt8>, into ends: inout [Int]) {
        var scanner = Scanner(text: text)
        var position = 0
        while position < text.count {
            let end: Int
            switch self {
            case .gpt2: end = scanner.gpt2Match(at: position)
            case let .cl100k(maxDigits): end = scanner.cl100kMatch(at: position, maxDigits: maxDigits)
            }
            ends.append(end)
            position = end
        }
    }
}

/// Cursor helpers shared by the pattern scanners.
private struct Scanner {
    let text: UnsafeBufferPointer<UInt8>

    /// The class flags and length of the scalar at `index`; `index` must be in range.
    @inline(__always)
    func scalar(at index: Int) -> (value: UInt32, flags: UInt8, length: Int) {
        let decoded = decodeScalar(text, at: index)
        return (decoded.value, ScalarClass.flags(decoded.value), decoded.length)
    }

    @inline(__always)
    static func isOther(_ flags: UInt8) -> Bool { flags == 0 }

    /// End of the run of scalars whose flags satisfy `accept`, starting at `index`.
    @inline(__always)
    func runEnd(from index: Int, limit: Int = .max, _ accept: (UInt32, UInt8) -> Bool) -> Int {
        var position = index
        var count = 0
        while position < text.count, count < limit {
            let next = scalar(at: position)
            guard accept(next.value, next.flags) else { break }
            position += next.length
            count += 1
        }
        return position
    }

    /// Length of a contraction (`'s`, `'t`, `'re`, `'ve`, `'m`, `'ll`, `'d`) at `index`, or 0.
    func contractionLength(at index: Int, ignoringCase: Bool) -> Int {
        guard text[index] == UInt8(ascii: "'"), index + 1 < text.count else { return 0 }
        func letter(_ offset: Int, _ lower: UInt8) -> Bool {
            let position = index + offset
            guard position < text.count else { return false }
            let byte = text[position]
            if byte == lower { return true }
            guard ignoringCase else { return false }
            if byte == lower - 32 { return true }
            // Unicode simple case folding maps U+017F LATIN SMALL LETTER LONG S to 's'.
            return lower == UInt8(ascii: "s") && byte == 0xC5 && position + 1 < text.count && text[position + 1] == 0xBF
        }
        if letter(1, UInt8(ascii: "s")) { return text[index + 1] == 0xC5 ? 3 : 2 }
        if letter(1, UInt8(ascii: "t")) || letter(1, UInt8(ascii: "m")) || letter(1, UInt8(ascii: "d")) { return 2 }
        if letter(1, UInt8(ascii: "r")) && letter(2, UInt8(ascii: "e")) { return 3 }
        if letter(1, UInt8(ascii: "v")) && letter(2, UInt8(ascii: "e")) { return 3 }
        if letter(1, UInt8(ascii: "l")) && letter(2, UInt8(ascii: "l")) { return 3 }
        return 0
    }

    /// `\s+(?!\S)|\s+` at `index`, where the scalar at `index` is whitespace.
    @inline(__always)
    func trailingWhitespaceMatch(at index: Int, firstLength: Int) -> Int {
        var position = index + firstLength
        var lastStart = index
        while position < text.count {
            let next = scalar(at: position)
            guard next.flags & ScalarClass.whitespace != 0 else { break }
            lastStart = position
            position += next.length
        }
        if position == text.count || lastStart == index { return position }
        return lastStart
    }

    mutating func gpt2Match(at index: Int) -> Int {
        let contraction = contractionLength(at: index, ignoringCase: false)
        if contraction > 0 { return index + contraction }
        let first = scalar(at: index)
        var start = index
        var current = first
        if first.value == 0x20, index + 1 < text.count {
            start = index + 1
            current = scalar(at: start)
        }
        if current.flags & ScalarClass.letter != 0 {
            return runEnd(from: start) { $1 & ScalarClass.letter != 0 }
        }
        if current.flags & ScalarClass.number != 0 {
            return runEnd(from: start) { $1 & ScalarClass.number != 0 }
        }
        if Self.isOther(current.flags) {
            return runEnd(from: start) { Self.isOther($1) }
        }
        // The scalar at `index` is whitespace (a space followed by whitespace lands here too).
        if first.flags & ScalarClass.whitespace != 0 {
            return trailingWhitespaceMatch(at: index, firstLength: first.length)
        }
        return index + first.length
    }

    mutating func cl100kMatch(at index: Int, maxDigits: Int) -> Int {
        let contraction = contractionLength(at: index, ignoringCase: true)
        if contraction > 0 { return index + contraction }
        let first = scalar(at: index)
        let isLetter: (UInt32, UInt8) -> Bool = { $1 & ScalarClass.letter != 0 }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if first.flags & ScalarClass.letter != 0 {
            return runEnd(from: index + first.length, isLetter)
        }
        let isNewline = first.value == 0x0A || first.value == 0x0D
        if !isNewline, first.flags & ScalarClass.number == 0, index + first.length < text.count {
            let second = scalar(at: index + first.length)
            if second.flags & ScalarClass.letter != 0 {
                return runEnd(from: index + first.length + second.length, isLetter)
            }
        }
        // \p{N}{1,3}
        if first.flags & ScalarClass.number != 0 {
            return runEnd(from: index, limit: maxDigits) { $1 & ScalarClass.number != 0 }
        }
        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        var otherStart = -1
        if Self.isOther(first.flags) {
            otherStart = index
        } else if first.value == 0x20, index + 1 < text.count, Self.isOther(scalar(at: index + 1).flags) {
            otherStart = index + 1
        }
        if otherStart >= 0 {
            let othersEnd = runEnd(from: otherStart) { Self.isOther($1) }
            return runEnd(from: othersEnd) { value, _ in value == 0x0A || value == 0x0D }
        }
        // \s*[\r\n]+ : through the last newline of the whitespace run.
        var position = index
        var lastNewlineEnd = -1
        while position < text.count {
            let next = scalar(at: position)
            guard next.flags & ScalarClass.whitespace != 0 else { break }
            position += next.length
            if next.value == 0x0A || next.value == 0x0D { lastNewlineEnd = position }
        }
        if lastNewlineEnd >= 0 { return lastNewlineEnd }
        if first.flags & ScalarClass.whitespace != 0 {
            return trailingWhitespaceMatch(at: index, firstLength: first.length)
        }
        return index + first.length
    }
}
