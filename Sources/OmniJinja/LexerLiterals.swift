/// Number and string literals inside tags, read with jinja2's rules.
extension Lexer {
    /// End of `(\d+_)*\d+` starting at `offset`, or nil when there is no digit there.
    func digitGroupEnd(_ offset: Int) -> Int? {
        guard offset < source.count, PythonCharacters.isDigit(source[offset]) else { return nil }
        var i = offset
        while true {
            while i < source.count, PythonCharacters.isDigit(source[i]) { i += 1 }
            if i + 1 < source.count, source[i] == "_", PythonCharacters.isDigit(source[i + 1]) { i += 1; continue }
            return i
        }
    }

    /// End of an exponent `e[+-]?digits` at `offset`, or nil.
    func exponentEnd(_ offset: Int) -> Int? {
        guard offset < source.count, source[offset] == "e" || source[offset] == "E" else { return nil }
        var i = offset + 1
        if i < source.count, source[i] == "+" || source[i] == "-" { i += 1 }
        return digitGroupEnd(i)
    }

    /// Numbers with jinja2's rules: a float needs a fraction or an exponent (and no `.` right
    /// before it); integers are `0b..`, `0o..`, `0x..`, `[1-9][0-9_]*` or zeros, so `007` is
    /// the integer `00` followed by the integer `7`.
    mutating func readNumber() throws {
        let start = position
        if start == 0 || source[start - 1] != ".", let integerEnd = digitGroupEnd(start) {
            var floatEnd: Int?
            if integerEnd < source.count, source[integerEnd] == ".", let fractionEnd = digitGroupEnd(integerEnd + 1) {
                floatEnd = exponentEnd(fractionEnd) ?? fractionEnd
            } else {
                floatEnd = exponentEnd(integerEnd)
            }
            if let floatEnd {
                position = floatEnd
                emit(.float, string(start..<floatEnd).replacingOccurrences(of: "_", with: ""), at: start)
                return
            }
        }
        if source[start] == "0", start + 1 < source.count,
           let radix = ["b": 2, "B": 2, "o": 8, "O": 8, "x": 16, "X": 16][Character(source[start + 1])] {
            var i = start + 2
            var digits = ""
            while true {
                var j = i
                if j < source.count, source[j] == "_" { j += 1 }
                guard j < source.count, Int(String(source[j]), radix: radix) != nil else { break }
                digits.unicodeScalars.append(source[j])
                i = j + 1
            }
            if !digits.isEmpty {
                position = i
                guard let value = Int(digits, radix: radix) else { throw syntaxError("integer literal is too large", at: start) }
                emit(.integer, String(value), at: start)
                return
            }
        }
        var i = start + 1
        if source[start] == "0" {
            while true {
                var j = i
                if j < source.count, source[j] == "_" { j += 1 }
                guard j < source.count, source[j] == "0" else { break }
                i = j + 1
            }
            position = i
            emit(.integer, "0", at: start)
            return
        }
        while true {
            var j = i
            if j < source.count, source[j] == "_" { j += 1 }
            guard j < source.count, PythonCharacters.isDigit(source[j]) else { break }
            i = j + 1
        }
        position = i
        emit(.integer, string(start..<i).replacingOccurrences(of: "_", with: ""), at: start)
    }

    /// Reads a quoted literal and decodes it as jinja2 does: non-ASCII characters are first
    /// written as `\\uXXXX`-style escapes, then Python's `unicode_escape` decoding runs, so an
    /// unknown escape such as `\\d` stays as written.
    mutating func readString(quote: Unicode.Scalar) throws -> String {
        let start = position
        position += 1
        var raw: [Unicode.Scalar] = []
        while true {
            guard position < source.count else { throw syntaxError("unexpected char '\(String(quote))' (unterminated string)", at: start) }
            let s = source[position]
            position += 1
            if s == quote { break }
            raw.append(s)
            if s == "\\" {
                guard position < source.count else { throw syntaxError("unterminated string literal", at: start) }
                raw.append(source[position])
                position += 1
            }
        }
        var ascii: [Unicode.Scalar] = []
        for s in raw {
            if s.value < 0x80 { ascii.append(s); continue }
            ascii.append(contentsOf: PythonFormatting.escapeCode(s.value).unicodeScalars)
        }
        do {
            return try Self.decodeUnicodeEscape(ascii)
        } catch let failure as RuntimeFailure {
            throw syntaxError(failure.message, at: start)
        }
    }

    /// Python's `unicode_escape` codec on ASCII text.
    static func decodeUnicodeEscape(_ text: [Unicode.Scalar]) throws -> String {
        var out = String.UnicodeScalarView()
        var i = 0
        func hexValue(_ count: Int, _ name: String) throws -> UInt32 {
            guard i + count <= text.count, let value = UInt32(PyString.string(text[i..<i + count]), radix: 16),
                  text[i..<i + count].allSatisfy({ $0.properties.isASCIIHexDigit })
            else { throw RuntimeFailure("truncated \\\(name) escape") }
            i += count
            return value
        }
        while i < text.count {
            let c = text[i]
            i += 1
            guard c == "\\" else { out.append(c); continue }
            guard i < text.count else { throw RuntimeFailure("\\ at end of string") }
            let e = text[i]
            i += 1
            switch e {
            case "\n": break
            case "\\": out.append("\\")
            case "'": out.append("'")
            case "\"": out.append("\"")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "v": out.append("\u{0B}")
            case "0"..."7":
                var value = e.value - 48
                var count = 1
                while count < 3, i < text.count, ("0"..."7").contains(text[i]) {
                    value = value * 8 + text[i].value - 48
                    i += 1
                    count += 1
                }
                out.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            case "x":
                out.append(Unicode.Scalar(try hexValue(2, "xXX")) ?? "\u{FFFD}")
            case "u":
                out.append(Unicode.Scalar(try hexValue(4, "uXXXX")) ?? "\u{FFFD}")
            case "U":
                let value = try hexValue(8, "UXXXXXXXX")
                guard value <= 0x10FFFF else { throw RuntimeFailure("illegal Unicode character") }
                out.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            case "N":
                throw RuntimeFailure("\\N{...} escapes are not supported")
            default:
                out.append("\\")
                out.append(e)
            }
        }
        return String(out)
    }
}
