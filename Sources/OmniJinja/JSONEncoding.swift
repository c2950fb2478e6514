/// Writes values as Python's `json.dumps` does, with the options transformers' `tojson`
/// filter passes on: `ensure_ascii`, `indent`, `separators` and `sort_keys`.
struct JSONDumper {
    var ensureASCII = false
    /// Indentation text per level; nil writes everything on one line.
    var indent: String?
    var itemSeparator: String
    var keySeparator: String
    var sortKeys = false
    var maximumDepth = 256

    init(ensureASCII: Bool = false, indent: String? = nil, separators: (String, String)? = nil, sortKeys: Bool = false) {
        self.ensureASCII = ensureASCII
        self.indent = indent
        self.itemSeparator = separators?.0 ?? (indent == nil ? ", " : ",")
        self.keySeparator = separators?.1 ?? ": "
        self.sortKeys = sortKeys
    }

    func dumps(_ value: Value) throws -> String {
        var out = ""
        try write(value, depth: 0, into: &out)
        return out
    }

    func write(_ value: Value, depth: Int, into out: inout String) throws {
        if depth > maximumDepth { throw RuntimeFailure("tojson: nesting deeper than \(maximumDepth)") }
        switch value {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isNaN { out += "NaN" } else if d.isInfinite { out += d < 0 ? "-Infinity" : "Infinity" } else {
                out += PythonFormatting.floatRepr(d)
            }
        case .string(let s): out += quote(s)
        case .array(let items), .tuple(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += itemSeparator }
                newline(depth + 1, into: &out)
                try write(item, depth: depth + 1, into: &out)
            }
            newline(depth, into: &out)
            out += "]"
        case .object(let object):
            try writeObject(object, depth: depth, into: &out)
        case .namespace(let ns):
            throw RuntimeFailure("Object of type Namespace is not JSON serializable (\(try PythonFormatting.repr(.namespace(ns))))")
        case .undefined:
            throw RuntimeFailure("Object of type Undefined is not JSON serializable")
        case .function:
            throw RuntimeFailure("Object of type function is not JSON serializable")
        case .generator:
            throw RuntimeFailure("Object of type generator is not JSON serializable")
        }
    }

    func writeObject(_ object: OrderedObject, depth: Int, into out: inout String) throws {
        if object.isEmpty { out += "{}"; return }
        var pairs = object.pairs
        if sortKeys { pairs.sort { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) } }
        out += "{"
        for (i, pair) in pairs.enumerated() {
            if i > 0 { out += itemSeparator }
            newline(depth + 1, into: &out)
            out += quote(pair.key) + keySeparator
            try write(pair.value, depth: depth + 1, into: &out)
        }
        newline(depth, into: &out)
        out += "}"
    }

    func newline(_ depth: Int, into out: inout String) {
        guard let indent else { return }
        out += "\n" + String(repeating: indent, count: depth)
    }

    func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || (ensureASCII && scalar.value > 0x7F) {
                    out += utf16Escapes(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    func utf16Escapes(_ scalar: Unicode.Scalar) -> String {
        var out = ""
        for unit in String(scalar).utf16 {
            let hex = String(unit, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        return out
    }
}
