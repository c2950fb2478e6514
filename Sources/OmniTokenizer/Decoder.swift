/// A tokenizer.json `decoder`: turns the token strings of ids back into text. Each stage maps
/// a list of strings to a list of strings (tokenizers' `decode_chain`); the result is joined.
indirect enum Decoder: Sendable {
    case byteLevel
    case metaspace(replacement: String, prependScheme: PrependScheme)
    case byteFallback
    case fuse
    case strip(content: Unicode.Scalar, start: Int, stop: Int)
    case replace(pattern: SplitPattern, content: String)
    case sequence([Decoder])

    init(json: JSONCursor) throws(TokenizerError) {
        let type = try json.typeName()
        switch type {
        case "ByteLevel":
            self = .byteLevel
        case "Metaspace":
            let replacement = try json.optionalString("replacement") ?? "\u{2581}"
            let scheme: PrependScheme
            if let name = try json.optionalString("prepend_scheme") {
                guard let value = PrependScheme(rawValue: name) else {
                    throw try json.required("prepend_scheme").unsupported("'\(name)'")
                }
                scheme = value
            } else {
                scheme = (try json.optionalBool("add_prefix_space") ?? true) ? .always : .never
            }
            self = .metaspace(replacement: replacement, prependScheme: scheme)
        case "ByteFallback":
            self = .byteFallback
        case "Fuse":
            self = .fuse
        case "Strip":
            let content = try json.required("content").string()
            guard content.unicodeScalars.count == 1, let scalar = content.unicodeScalars.first else {
                throw try json.required("content").invalid("must be a single character")
            }
            let start = try json.optionalInt("start") ?? 0
            let stop = try json.optionalInt("stop") ?? 0
            guard start >= 0, stop >= 0 else { throw json.invalid("'start' and 'stop' must not be negative") }
            self = .strip(content: scalar, start: start, stop: stop)
        case "Replace":
            self = .replace(pattern: try SplitPattern(json: try json.required("pattern")),
                            content: try json.required("content").string())
        case "Sequence":
            self = .sequence(try json.required("decoders").array().map { (item) throws(TokenizerError) in
                try Decoder(json: item)
            })
        default:
            throw try json.required("type").unsupported("'\(type)'")
        }
    }

    /// True when decoding is "concatenate each token's bytes, then decode UTF-8 lossily", so a
    /// streaming decoder may work on bytes.
    var isPureByteLevel: Bool {
        switch self {
        case .byteLevel: return true
        case let .sequence(items): return items.count == 1 && items[0].isPureByteLevel
        default: return false
        }
    }

    func decodeChain(_ tokens: [String]) -> [String] {
        switch self {
        case .byteLevel:
            var bytes: [UInt8] = []
            for token in tokens {
                if let tokenBytes = ByteLevelAlphabet.bytes(ofToken: token) {
                    bytes.append(contentsOf: tokenBytes)
                } else {
                    bytes.append(contentsOf: token.utf8)
                }
            }
            return [String(decoding: bytes, as: UTF8.self)]
        case let .metaspace(replacement, prependScheme):
            // As in tokenizers, every replacement character of the first token is dropped
            // (not only a leading one) unless the scheme is `never`.
            return tokens.enumerated().map { index, token in
                token.replacingAll(replacement, with: index == 0 && prependScheme != .never ? "" : " ")
            }
        case .byteFallback:
            return Self.byteFallback(tokens)
        case .fuse:
            return [tokens.joined()]
        case let .strip(content, start, stop):
            return tokens.map { token in
                var scalars = Substring(token).unicodeScalars[...]
                var removed = 0
                while removed < start, scalars.first == content { scalars.removeFirst(); removed += 1 }
                removed = 0
                while removed < stop, scalars.last == content { scalars.removeLast(); removed += 1 }
                return String(String.UnicodeScalarView(scalars))
            }
        case let .replace(pattern, content):
            return tokens.map { Normalizer.replace(pattern, with: content, in: $0) }
        case let .sequence(items):
            return items.reduce(tokens) { $1.decodeChain($0) }
        }
    }

    /// Runs of `<0xXX>` tokens become the text of their bytes; bytes that are not valid UTF-8
    /// become one U+FFFD per byte, as tokenizers does.
    private static func byteFallback(_ tokens: [String]) -> [String] {
        var output: [String] = []
        var pending: [UInt8] = []
        func flush() {
            guard !pending.isEmpty else { return }
            if let text = String(validating: pending, as: UTF8.self) {
                output.append(text)
            } else {
                output.append(contentsOf: Array(repeating: "\u{FFFD}", count: pending.count))
            }
            pending.removeAll()
        }
        for token in tokens {
            if let byte = fallbackByte(token) {
                pending.append(byte)
            } else {
                flush()
                output.append(token)
            }
        }
        flush()
        return output
    }

    /// The byte of a `<0xXX>` token (exactly six ASCII characters), or nil.
    static func fallbackByte(_ token: String) -> UInt8? {
        let bytes = Array(token.utf8)
        guard bytes.count == 6, bytes[0] == UInt8(ascii: "<"), bytes[1] == UInt8(ascii: "0"),
              bytes[2] == UInt8(ascii: "x"), bytes[5] == UInt8(ascii: ">") else { return nil }
        return UInt8(String(decoding: bytes[3...4], as: UTF8.self), radix: 16)
    }
}

extension String {
    /// Every occurrence of `target` replaced by `replacement`, comparing UTF-8 bytes (not
    /// canonical equivalence).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return Normalizer.replace(.literal(Array(target.utf8)), with: replacement, in: self)
    }
}
