import Foundation

/// A tokenizer.json `normalizer`, applied to the text between added tokens before
/// pre-tokenization.
indirect enum Normalizer: Sendable {
    case nfc, nfd, nfkc, nfkd
    case lowercase
    case prepend(String)
    case replace(pattern: SplitPattern, content: String)
    case strip(left: Bool, right: Bool)
    case sequence([Normalizer])

    init(json: JSONCursor) throws(TokenizerError) {
        let type = try json.typeName()
        switch type {
        case "NFC": self = .nfc
        case "NFD": self = .nfd
        case "NFKC": self = .nfkc
        case "NFKD": self = .nfkd
        case "Lowercase": self = .lowercase
        case "Prepend": self = .prepend(try json.required("prepend").string())
        case "Replace":
            self = .replace(pattern: try SplitPattern(json: try json.required("pattern")),
                            content: try json.required("content").string())
        case "Strip":
            self = .strip(left: try json.optionalBool("strip_left") ?? true,
                          right: try json.optionalBool("strip_right") ?? true)
        case "Sequence":
            self = .sequence(try json.required("normalizers").array().map { (item) throws(TokenizerError) in
                try Normalizer(json: item)
            })
        default:
            throw try json.required("type").unsupported("'\(type)'")
        }
    }

    /// The normalized form of `text`.
    func apply(_ text: String) -> String {
        switch self {
        case .nfc:
            return Self.isNormalizationStable(text) ? text : text.precomposedStringWithCanonicalMapping
        case .nfd:
            return text.utf8.allSatisfy({ $0 < 0x80 }) ? text : text.decomposedStringWithCanonicalMapping
        case .nfkc:
            return text.utf8.allSatisfy({ $0 < 0x80 }) ? text : text.precomposedStringWithCompatibilityMapping
        case .nfkd:
            return text.utf8.allSatisfy({ $0 < 0x80 }) ? text : text.decomposedStringWithCompatibilityMapping
        case .lowercase:
            return text.lowercased()
        case let .prepend(prefix):
            return text.isEmpty ? text : prefix + text
        case let .replace(pattern, content):
            return Self.replace(pattern, with: content, in: text)
        case let .strip(left, right):
            var scalars = Substring(text).unicodeScalars[...]
            if left { while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() } }
            if right { while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() } }
            return String(String.UnicodeScalarView(scalars))
        case let .sequence(items):
            return items.reduce(text) { $1.apply($0) }
        }
    }

    /// True when `text` has no scalar at or above U+0300: every scalar below that is already
    /// in NFC (quick-check Yes) and cannot combine with a predecessor, so NFC leaves it unchanged.
    private static func isNormalizationStable(_ text: String) -> Bool {
        // U+0300 is encoded as CC 80; any lead byte >= 0xCC starts a scalar >= U+0300.
        text.utf8.allSatisfy { $0 < 0xCC }
    }

    /// Replaces every match of `pattern` in `text` by `content`.
    static func replace(_ pattern: SplitPattern, with content: String, in text: String) -> String {
        let bytes = Array(text.utf8)
        let matches = pattern.matches(in: bytes[...])
        if matches.isEmpty { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var position = 0
        for match in matches {
            output.append(contentsOf: bytes[position..<match.start])
            output.append(contentsOf: content.utf8)
            position = match.end
        }
        output.append(contentsOf: bytes[position...])
        return String(decoding: output, as: UTF8.self)
    }
}
