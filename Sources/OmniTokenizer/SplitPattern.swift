import Foundation

/// The pattern of a `Split` pre-tokenizer or a `Replace` normalizer/decoder: a literal string,
/// one of the known regexes (hand-coded scanner), or any other regex (NSRegularExpression).
enum SplitPattern: @unchecked Sendable {
    case literal([UInt8])
    case known(KnownSplitPattern)
    case regex(NSRegularExpression)

    /// Reads `{"String": s}` or `{"Regex": r}`.
    init(json: JSONCursor) throws(TokenizerError) {
        if let literal = try json.optional("String") {
            let text = try literal.string()
            guard !text.isEmpty else { throw literal.invalid("an empty pattern matches nothing") }
            self = .literal(Array(text.utf8))
        } else if let regex = try json.optional("Regex") {
            let source = try regex.string()
            if let known = KnownSplitPattern(pattern: source) {
                self = .known(known)
            } else {
                do {
                    self = .regex(try NSRegularExpression(pattern: source, options: []))
                } catch {
                    throw regex.unsupported("regex '\(source)'")
                }
            }
        } else {
            throw json.invalid("a pattern needs a 'String' or 'Regex' member")
        }
    }

    /// Non-overlapping matches in `text` (valid UTF-8) as byte ranges, in order.
    func matches(in text: ArraySlice<UInt8>) -> [(start: Int, end: Int)] {
        let base = text.startIndex
        var result: [(start: Int, end: Int)] = []
        switch self {
        case let .literal(needle):
            var position = base
            while position + needle.count <= text.endIndex {
                if text[position..<position + needle.count].elementsEqual(needle) {
                    result.append((position, position + needle.count))
                    position += needle.count
                } else {
                    position += 1
                }
            }
        case let .known(scanner):
            var ends: [Int] = []
            text.withUnsafeBufferPointer { scanner.matchEnds($0, into: &ends) }
            var start = base
            for end in ends {
                result.append((start, base + end))
                start = base + end
            }
        case let .regex(expression):
            let string = String(decoding: text, as: UTF8.self)
            let utf16 = string.utf16
            var lastUTF16 = 0
            var lastUTF8 = 0
            let found = expression.matches(in: string, options: [], range: NSRange(location: 0, length: utf16.count))
            func utf8Offset(_ utf16Offset: Int) -> Int {
                // Matches come in increasing order, so convert incrementally.
                let from = utf16.index(utf16.startIndex, offsetBy: lastUTF16)
                let to = utf16.index(utf16.startIndex, offsetBy: utf16Offset)
                lastUTF8 += string.utf8.distance(from: from, to: to)
                lastUTF16 = utf16Offset
                return lastUTF8
            }
            for match in found where match.range.length > 0 {
                let start = utf8Offset(match.range.location)
                let end = utf8Offset(match.range.location + match.range.length)
                result.append((base + start, base + end))
            }
        }
        return result
    }

    /// The matches of `text` and the gaps between them, tiling `text`.
    func spans(in text: ArraySlice<UInt8>) -> [(start: Int, end: Int, isMatch: Bool)] {
        var spans: [(start: Int, end: Int, isMatch: Bool)] = []
        var position = text.startIndex
        for match in matches(in: text) {
            if match.start > position { spans.append((position, match.start, false)) }
            spans.append((match.start, match.end, true))
            position = match.end
        }
        if position < text.endIndex { spans.append((position, text.endIndex, false)) }
        return spans
    }
}
