/// Conversions of values to text exactly as Python's `str()` and `repr()` write them,
/// which is what Jinja prints.
enum PythonFormatting {
    /// Deeper values fail like Python's `RecursionError` instead of exhausting the stack.
    static let maximumDepth = 256

    /// `str(value)`: strings as they are, everything else as `repr`; undefined prints as "".
    static func str(_ value: Value) throws -> String {
        switch value {
        case .string(let s): return s
        case .undefined: return ""
        default: return try repr(value)
        }
    }

    /// `repr(value)`: lists and dicts show strings quoted, like Python.
    static func repr(_ value: Value, depth: Int = 0) throws -> String {
        if depth > maximumDepth { throw RuntimeFailure("value nested deeper than \(maximumDepth) levels cannot be printed") }
        func inner(_ v: Value) throws -> String { try repr(v, depth: depth + 1) }
        switch value {
        case .undefined: return "Undefined"
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return floatRepr(d)
        case .string(let s): return stringRepr(s)
        case .array(let items): return "[" + (try items.map(inner)).joined(separator: ", ") + "]"
        case .tuple(let items):
            return items.count == 1 ? "(" + (try inner(items[0])) + ",)" : "(" + (try items.map(inner)).joined(separator: ", ") + ")"
        case .object(let object):
            return "{" + (try object.pairs.map { stringRepr($0.key) + ": " + (try inner($0.value)) }).joined(separator: ", ") + "}"
        case .namespace(let ns):
            return "<Namespace " + (try inner(.object(ns.attributes))) + ">"
        case .function(let f): return "<function \(f.name)>"
        case .generator: return "<generator object>"
        }
    }

    /// Python's `repr(float)`: shortest digits that read back the same, fixed notation for
    /// decimal exponents in [-4, 16), scientific with a signed two-digit exponent otherwise.
    static func floatRepr(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        let sign = d.sign == .minus ? "-" : ""
        guard let (digits, pointPosition) = shortestDigits(abs(d)) else { return sign + "0.0" }
        let exponent = pointPosition - 1
        if exponent >= -4 && exponent < 16 {
            if pointPosition <= 0 {
                return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
            }
            if pointPosition >= digits.count {
                return sign + digits + String(repeating: "0", count: pointPosition - digits.count) + ".0"
            }
            let index = digits.index(digits.startIndex, offsetBy: pointPosition)
            return sign + digits[..<index] + "." + digits[index...]
        }
        var text = sign + String(digits.prefix(1))
        if digits.count > 1 { text += "." + digits.dropFirst() }
        let magnitude = abs(exponent)
        text += "e" + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + String(magnitude)
        return text
    }

    /// Shortest round-trip decimal digits (no leading or trailing zeros) of a finite positive
    /// number and the position of the decimal point relative to them; nil for zero.
    static func shortestDigits(_ d: Double) -> (String, Int)? {
        let text = d.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = parts.first.map(String.init) ?? ""
        let fractionPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = integerPart + fractionPart
        var pointPosition = integerPart.count + exponent
        while digits.first == "0" { digits.removeFirst(); pointPosition -= 1 }
        while digits.last == "0" { digits.removeLast() }
        return digits.isEmpty ? nil : (digits, pointPosition)
    }

    /// Python's `repr(str)`: single quotes unless the text has a single quote and no double quote.
    static func stringRepr(_ s: String) -> String {
        let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += escapeCode(scalar.value)
                }
            }
        }
        out.append(quote)
        return out
    }

    static func escapeCode(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        if value < 0x100 { return "\\x" + String(repeating: "0", count: 2 - hex.count) + hex }
        if value < 0x10000 { return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex }
        return "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Python's `str.isprintable` for one character.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }
}
