/// Where Metaspace puts its replacement character in front of a piece.
enum PrependScheme: String, Sendable {
    case always, first, never
}

/// A tokenizer.json `pre_tokenizer`: cuts normalized text into the pieces BPE sees.
/// Byte-level mapping itself is done by the model (it works on raw bytes), so `ByteLevel`
/// only contributes its prefix space and optional GPT-2 regex split here.
indirect enum PreTokenizer: Sendable {
    case split(pattern: SplitPattern, behavior: SplitBehavior, invert: Bool)
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    case metaspace(replacement: [UInt8], prependScheme: PrependScheme, split: Bool)
    case whitespaceSplit
    case digits(individualDigits: Bool)
    case sequence([PreTokenizer])

    init(json: JSONCursor) throws(TokenizerError) {
        let type = try json.typeName()
        switch type {
        case "Split":
            let behaviorName = try json.required("behavior").string()
            guard let behavior = SplitBehavior(rawValue: behaviorName) else {
                throw try json.required("behavior").unsupported("'\(behaviorName)'")
            }
            self = .split(pattern: try SplitPattern(json: try json.required("pattern")), behavior: behavior,
                          invert: try json.optionalBool("invert") ?? false)
        case "ByteLevel":
            self = .byteLevel(addPrefixSpace: try json.optionalBool("add_prefix_space") ?? true,
                              useRegex: try json.optionalBool("use_regex") ?? true)
        case "Metaspace":
            let replacement = try json.optionalString("replacement") ?? "\u{2581}"
            guard replacement.unicodeScalars.count == 1 else {
                throw try json.required("replacement").invalid("must be a single character")
            }
            self = .metaspace(replacement: Array(replacement.utf8),
                              prependScheme: try Self.prependScheme(json), split: try json.optionalBool("split") ?? true)
        case "WhitespaceSplit":
            self = .whitespaceSplit
        case "Digits":
            self = .digits(individualDigits: try json.optionalBool("individual_digits") ?? false)
        case "Sequence":
            self = .sequence(try json.required("pretokenizers").array().map { (item) throws(TokenizerError) in
                try PreTokenizer(json: item)
            })
        default:
            throw try json.required("type").unsupported("'\(type)'")
        }
    }

    private static func prependScheme(_ json: JSONCursor) throws(TokenizerError) -> PrependScheme {
        if let scheme = try json.optional("prepend_scheme") {
            let name = try scheme.string()
            guard let value = PrependScheme(rawValue: name) else { throw scheme.unsupported("'\(name)'") }
            return value
        }
        // Older files: add_prefix_space true means "always".
        return (try json.optionalBool("add_prefix_space") ?? true) ? .always : .never
    }

    /// Whether a ByteLevel pre-tokenizer is present (the model then works on raw bytes).
    var containsByteLevel: Bool {
        switch self {
        case .byteLevel: return true
        case let .sequence(items): return items.contains { $0.containsByteLevel }
        default: return false
        }
    }

    /// Applies this pre-tokenizer to every piece of `pieces`.
    func apply(_ pieces: PieceList) -> PieceList {
        switch self {
        case let .sequence(items):
            return items.reduce(pieces) { $1.apply($0) }
        case let .split(pattern, behavior, invert):
            return cut(pieces) { piece, starts, ends in
                if case .known = pattern, behavior == .isolated, !invert {
                    for match in pattern.matches(in: piece) { starts.append(match.start); ends.append(match.end) }
                } else {
                    behavior.apply(spans: pattern.spans(in: piece), invert: invert, into: &starts, &ends)
                }
            }
        case let .byteLevel(addPrefixSpace, useRegex):
            var current = pieces
            if addPrefixSpace {
                current = rewrite(current) { piece, _, output in
                    if let first = piece.first, first != UInt8(ascii: " ") { output.append(UInt8(ascii: " ")) }
                    output.append(contentsOf: piece)
                }
            }
            guard useRegex else { return current }
            return PreTokenizer.split(pattern: .known(.gpt2), behavior: .isolated, invert: false).apply(current)
        case let .metaspace(replacement, prependScheme, split):
            let replaced = rewrite(pieces) { piece, index, output in
                let prepend: Bool
                switch prependScheme {
                case .always: prepend = true
                case .first: prepend = index == 0 && pieces.firstPieceAtTextStart
                case .never: prepend = false
                }
                // Prepend only to non-empty text that does not already start with the
                // replacement, judged after spaces are replaced.
                if prepend, let first = piece.first, first != UInt8(ascii: " "), !piece.starts(with: replacement) {
                    output.append(contentsOf: replacement)
                }
                for byte in piece {
                    if byte == UInt8(ascii: " ") { output.append(contentsOf: replacement) } else { output.append(byte) }
                }
            }
            guard split else { return replaced }
            return PreTokenizer.split(pattern: .literal(replacement), behavior: .mergedWithNext, invert: false)
                .apply(replaced)
        case .whitespaceSplit:
            return cut(pieces) { piece, starts, ends in
                var position = piece.startIndex
                var wordStart = -1
                piece.withUnsafeBufferPointer { buffer in
                    var offset = 0
                    while offset < buffer.count {
                        let scalar = decodeScalar(buffer, at: offset)
                        let isSpace = ScalarClass.flags(scalar.value) & ScalarClass.whitespace != 0
                        if isSpace, wordStart >= 0 {
                            starts.append(wordStart); ends.append(position); wordStart = -1
                        } else if !isSpace, wordStart < 0 {
                            wordStart = position
                        }
                        offset += scalar.length
                        position += scalar.length
                    }
                }
                if wordStart >= 0 { starts.append(wordStart); ends.append(position) }
            }
        case let .digits(individualDigits):
            return cut(pieces) { piece, starts, ends in
                var spans: [(start: Int, end: Int, isMatch: Bool)] = []
                var position = piece.startIndex
                piece.withUnsafeBufferPointer { buffer in
                    var offset = 0
                    while offset < buffer.count {
                        let scalar = decodeScalar(buffer, at: offset)
                        let isDigit = ScalarClass.flags(scalar.value) & ScalarClass.number != 0
                        if let last = spans.last, last.isMatch == isDigit, !(isDigit && individualDigits) {
                            spans[spans.count - 1].end = position + scalar.length
                        } else {
                            spans.append((position, position + scalar.length, isDigit))
                        }
                        offset += scalar.length
                        position += scalar.length
                    }
                }
                SplitBehavior.isolated.apply(spans: spans, invert: false, into: &starts, &ends)
            }
        }
    }

    /// Replaces each piece by the pieces `split` cuts it into (absolute offsets into the buffer).
    private func cut(_ pieces: PieceList, _ split: (ArraySlice<UInt8>, inout [Int], inout [Int]) -> Void) -> PieceList {
        var starts: [Int] = []
        var ends: [Int] = []
        starts.reserveCapacity(pieces.count * 2)
        ends.reserveCapacity(pieces.count * 2)
        var firstAtStart = pieces.firstPieceAtTextStart
        for index in 0..<pieces.count {
            let before = starts.count
            split(pieces.piece(index), &starts, &ends)
            if index == 0, starts.count > before { firstAtStart = firstAtStart && starts[before] == pieces.starts[0] }
        }
        return PieceList(bytes: pieces.bytes, starts: starts, ends: ends, firstPieceAtTextStart: firstAtStart)
    }

    /// Rebuilds every piece through `transform(piece, index, output)`.
    private func rewrite(_ pieces: PieceList, _ transform: (ArraySlice<UInt8>, Int, inout [UInt8]) -> Void) -> PieceList {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(pieces.bytes.count + pieces.count * 3)
        var starts: [Int] = []
        var ends: [Int] = []
        for index in 0..<pieces.count {
            let start = bytes.count
            transform(pieces.piece(index), index, &bytes)
            starts.append(start)
            ends.append(bytes.count)
        }
        return PieceList(bytes: bytes, starts: starts, ends: ends, firstPieceAtTextStart: pieces.firstPieceAtTextStart)
    }
}
