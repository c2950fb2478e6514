import Foundation

/// Python's `"text" % values` (printf-style formatting): flags `-+ #0`, width, precision
/// (`*` too) and the conversions `s r a d i u o x X e E f F g G c %`, with `%(name)s` keys.
enum PercentFormat {
    struct Spec {
        var leftAlign = false, sign = false, space = false, alternate = false, zeroPad = false
        var width: Int?
        var precision: Int?
    }

    static func format(_ format: String, _ argument: Value) throws -> String {
        var values: [Value]
        var mapping: OrderedObject?
        switch argument {
        case .tuple(let items): values = items
        case .object(let object): values = [argument]; mapping = object
        case .undefined: values = [argument]; mapping = OrderedObject()
        default: values = [argument]
        }
        let usesMapping = mapping != nil
        var out = ""
        let scalars = Array(format.unicodeScalars)
        var i = 0
        func nextValue() throws -> Value {
            guard !values.isEmpty else { throw RuntimeFailure("not enough arguments for format string") }
            return values.removeFirst()
        }
        func number() -> Int? {
            var digits = ""
            while i < scalars.count, PythonCharacters.isDigit(scalars[i]) { digits.unicodeScalars.append(scalars[i]); i += 1 }
            return digits.isEmpty ? nil : Int(digits)
        }
        while i < scalars.count {
            let c = scalars[i]
            i += 1
            guard c == "%" else { out.unicodeScalars.append(c); continue }
            var key: String?
            if i < scalars.count, scalars[i] == "(" {
                guard let close = scalars[i...].firstIndex(of: ")") else { throw RuntimeFailure("incomplete format key") }
                key = PyString.string(scalars[(i + 1)..<close])
                i = close + 1
            }
            var spec = Spec()
            flags: while i < scalars.count {
                switch scalars[i] {
                case "-": spec.leftAlign = true
                case "+": spec.sign = true
                case " ": spec.space = true
                case "#": spec.alternate = true
                case "0": spec.zeroPad = true
                default: break flags
                }
                i += 1
            }
            if i < scalars.count, scalars[i] == "*" {
                i += 1
                guard case .int(let w)? = Operators.number(try nextValue()) else { throw RuntimeFailure("* wants int") }
                spec.width = abs(w)
                if w < 0 { spec.leftAlign = true }
            } else {
                spec.width = number()
            }
            if i < scalars.count, scalars[i] == "." {
                i += 1
                if i < scalars.count, scalars[i] == "*" {
                    i += 1
                    guard case .int(let p)? = Operators.number(try nextValue()) else { throw RuntimeFailure("* wants int") }
                    spec.precision = max(0, p)
                } else {
                    spec.precision = number() ?? 0
                }
            }
            while i < scalars.count, "hlL".unicodeScalars.contains(scalars[i]) { i += 1 }
            guard i < scalars.count else { throw RuntimeFailure("incomplete format") }
            let conversion = scalars[i]
            i += 1
            if conversion == "%" { out += "%"; continue }
            let value: Value
            if let key {
                guard let mapping else { throw RuntimeFailure("format requires a mapping") }
                if argument == .undefined {
                    value = .undefined
                } else {
                    guard let found = mapping[key] else { throw RuntimeFailure("'\(key)'") }
                    value = found
                }
            } else {
                value = try nextValue()
            }
            out += try convert(value, conversion, spec, at: i - 1)
        }
        if !usesMapping && !values.isEmpty { throw RuntimeFailure("not all arguments converted during string formatting") }
        return out
    }

    static func pad(_ body: String, _ spec: Spec, numeric: Bool) -> String {
        let count = body.unicodeScalars.count
        guard let width = spec.width, width > count else { return body }
        let fill = width - count
        if spec.leftAlign { return body + String(repeating: " ", count: fill) }
        if numeric && spec.zeroPad {
            var digits = body
            var prefix = ""
            if let first = digits.first, "+- ".contains(first) { prefix = String(first); digits.removeFirst() }
            if digits.hasPrefix("0x") || digits.hasPrefix("0X") || digits.hasPrefix("0o") {
                prefix += String(digits.prefix(2))
                digits.removeFirst(2)
            }
            return prefix + String(repeating: "0", count: fill) + digits
        }
        return String(repeating: " ", count: fill) + body
    }

    static func signed(_ negative: Bool, _ magnitude: String, _ spec: Spec) -> String {
        (negative ? "-" : spec.sign ? "+" : spec.space ? " " : "") + magnitude
    }

    static func convert(_ value: Value, _ conversion: Unicode.Scalar, _ spec: Spec, at index: Int) throws -> String {
        switch conversion {
        case "s", "r", "a":
            var text = conversion == "s" ? try PythonFormatting.str(value) : try PythonFormatting.repr(value)
            if conversion == "a" {
                text = text.unicodeScalars.map { $0.value < 0x80 ? String($0) : PythonFormatting.escapeCode($0.value) }.joined()
            }
            if let precision = spec.precision { text = String(text.unicodeScalars.prefix(precision).map(Character.init)) }
            return pad(text, spec, numeric: false)
        case "d", "i", "u", "o", "x", "X":
            guard let number = Operators.number(value) else {
                let kind = conversion == "o" || conversion == "x" || conversion == "X" ? "an integer is required" : "a real number is required"
                throw RuntimeFailure("%\(conversion) format: \(kind), not \(value.typeName)")
            }
            let integer: Int
            switch number {
            case .int(let n): integer = n
            case .double(let d):
                if conversion == "o" || conversion == "x" || conversion == "X" {
                    throw RuntimeFailure("%\(conversion) format: an integer is required, not float")
                }
                guard d.isFinite else { throw RuntimeFailure("cannot convert float \(d) to integer") }
                integer = Int(d.rounded(.towardZero))
            }
            var digits: String
            switch conversion {
            case "o": digits = String(integer.magnitude, radix: 8); if spec.alternate { digits = "0o" + digits }
            case "x": digits = String(integer.magnitude, radix: 16); if spec.alternate { digits = "0x" + digits }
            case "X": digits = String(integer.magnitude, radix: 16).uppercased(); if spec.alternate { digits = "0X" + digits }
            default: digits = String(integer.magnitude)
            }
            if let precision = spec.precision, digits.count < precision {
                digits = String(repeating: "0", count: precision - digits.count) + digits
            }
            return pad(signed(integer < 0, digits, spec), spec, numeric: true)
        case "e", "E", "f", "F", "g", "G":
            guard let number = Operators.number(value) else { throw RuntimeFailure("must be real number, not \(value.typeName)") }
            let d = Operators.asDouble(number)
            let precision = spec.precision ?? 6
            var body: String
            if d.isNaN {
                body = "nan"
            } else if d.isInfinite {
                body = "inf"
            } else {
                let flags = spec.alternate ? "#" : ""
                body = String(format: "%\(flags).\(precision)\(Character(conversion))", abs(d))
            }
            if conversion == "E" || conversion == "F" || conversion == "G" { body = body.uppercased() }
            return pad(signed(d.sign == .minus && !d.isNaN, body, spec), spec, numeric: d.isFinite)
        case "c":
            switch value {
            case .int(let code):
                guard let scalar = Unicode.Scalar(UInt32(clamping: code)) else { throw RuntimeFailure("%c arg not in range(0x110000)") }
                return pad(String(Character(scalar)), spec, numeric: false)
            case .string(let s) where s.unicodeScalars.count == 1:
                return pad(s, spec, numeric: false)
            default:
                throw RuntimeFailure("%c requires an int or a unicode character, not \(value.typeName)")
            }
        default:
            let hex = String(conversion.value, radix: 16)
            throw RuntimeFailure("unsupported format character '\(Character(conversion))' (0x\(hex)) at index \(index)")
        }
    }
}
