/// Splits template text into tokens the way jinja2's lexer does with `trim_blocks=True` and
/// `lstrip_blocks=True`: `-` strips all whitespace on that side of a tag, `+` keeps it,
/// a block or comment end eats one following newline, and whitespace from the start of a line
/// up to a block or comment tag is removed.
struct Lexer {
    let name: String
    let source: [Unicode.Scalar]
    let trimBlocks: Bool
    let lstripBlocks: Bool
    var newlineOffsets: [Int] = []
    var tokens: [Token] = []
    var position = 0
    var lineStarting = true

    init(_ text: String, name: String, trimBlocks: Bool = true, lstripBlocks: Bool = true) {
        // Python reads "\r\n" and "\r" as "\n", and drops one trailing newline.
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        var previousWasCR = false
        for s in text.unicodeScalars {
            if s == "\r" { scalars.append("\n"); previousWasCR = true; continue }
            if s == "\n" && previousWasCR { previousWasCR = false; continue }
            previousWasCR = false
            scalars.append(s)
        }
        if scalars.last == "\n" { scalars.removeLast() }
        self.source = scalars
        self.name = name
        self.trimBlocks = trimBlocks
        self.lstripBlocks = lstripBlocks
        for (i, s) in scalars.enumerated() where s == "\n" { newlineOffsets.append(i) }
    }

    /// 1-based line and column of a source offset.
    func location(_ offset: Int) -> (line: Int, column: Int) {
        var low = 0, high = newlineOffsets.count
        while low < high {
            let mid = (low + high) / 2
            if newlineOffsets[mid] < offset { low = mid + 1 } else { high = mid }
        }
        let lineStart = low == 0 ? 0 : newlineOffsets[low - 1] + 1
        return (low + 1, offset - lineStart + 1)
    }

    func syntaxError(_ message: String, at offset: Int) -> JinjaError {
        let (line, column) = location(offset)
        return .syntax(name: name, line: line, column: column, message: message)
    }

    mutating func emit(_ kind: Token.Kind, _ text: String, at offset: Int) {
        let (line, column) = location(offset)
        tokens.append(Token(kind: kind, text: text, line: line, column: column))
    }

    func matches(_ text: String, at offset: Int) -> Bool {
        var i = offset
        for s in text.unicodeScalars {
            guard i < source.count, source[i] == s else { return false }
            i += 1
        }
        return true
    }

    func string(_ range: Range<Int>) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: source[range])
        return String(s)
    }

    /// Tokenizes the whole template. A lexical error ends the list with an `.error` token.
    mutating func tokenize() -> [Token] {
        do {
            try tokenizeAll()
        } catch let JinjaError.syntax(_, line, column, message) {
            tokens.append(Token(kind: .error, text: message, line: line, column: column))
            return tokens
        } catch {
            tokens.append(Token(kind: .error, text: "\(error)", line: 1, column: 1))
            return tokens
        }
        // jinja2's end-of-template token carries the line where the last token started.
        let last = tokens.last
        tokens.append(Token(kind: .end, text: "", line: last?.line ?? 1, column: last?.column ?? 1))
        return tokens
    }

    mutating func tokenizeAll() throws {
        while position < source.count {
            guard let (tagStart, tag) = nextTag(from: position) else {
                emit(.data, string(position..<source.count), at: position)
                position = source.count
                break
            }
            let signOffset = tagStart + 2
            let sign: Unicode.Scalar? = signOffset < source.count && (source[signOffset] == "-" || source[signOffset] == "+") ? source[signOffset] : nil
            var textEnd = tagStart
            if sign == "-" {
                while textEnd > position, PythonCharacters.isSpace(source[textEnd - 1]) { textEnd -= 1 }
            } else if sign != "+", lstripBlocks, tag != "{" {
                textEnd = lstripEnd(textStart: position, textEnd: tagStart)
            }
            if textEnd > position { emit(.data, string(position..<textEnd), at: position) }
            lineStarting = false
            let afterBegin = signOffset + (sign == nil ? 0 : 1)
            switch tag {
            case "#": try skipComment(from: afterBegin)
            case "{":
                emit(.variableBegin, "{{", at: tagStart)
                position = afterBegin
                try tokenizeTag(isBlock: false)
            default:
                if let bodyStart = rawBlockBodyStart(afterBegin) {
                    try readRaw(from: bodyStart)
                } else {
                    emit(.blockBegin, "{%", at: tagStart)
                    position = afterBegin
                    try tokenizeTag(isBlock: true)
                }
            }
        }
    }

    /// Where the data before a block tag ends once `lstrip_blocks` has removed the spaces
    /// between the line start and the tag.
    func lstripEnd(textStart: Int, textEnd: Int) -> Int {
        var lineStart = textEnd
        while lineStart > textStart, source[lineStart - 1] != "\n" { lineStart -= 1 }
        let atLineStart = lineStart > textStart || lineStarting
        guard atLineStart, lineStart < textEnd else { return textEnd }
        for i in lineStart..<textEnd where !PythonCharacters.isSpace(source[i]) { return textEnd }
        return lineStart
    }

    /// The next `{{`, `{%` or `{#` at or after `offset`, and its second character.
    func nextTag(from offset: Int) -> (Int, Unicode.Scalar)? {
        var i = offset
        while i + 1 < source.count {
            if source[i] == "{" {
                let c = source[i + 1]
                if c == "{" || c == "%" || c == "#" { return (i, c) }
            }
            i += 1
        }
        return nil
    }

    mutating func skipComment(from offset: Int) throws {
        var i = offset
        while i + 1 < source.count {
            if source[i] == "#" && source[i + 1] == "}" {
                let previous: Unicode.Scalar? = i > offset ? source[i - 1] : nil
                position = i + 2
                if previous == "-" {
                    skipWhitespace()
                } else if previous != "+" {
                    trimOneNewline()
                }
                return
            }
            i += 1
        }
        // jinja2 quietly ends the template when a comment opens on its very last characters.
        if offset >= source.count { position = source.count; return }
        throw syntaxError("missing end of comment tag '#}'", at: offset)
    }

    mutating func skipWhitespace() {
        let start = position
        while position < source.count, PythonCharacters.isSpace(source[position]) { position += 1 }
        lineStarting = position > start && source[position - 1] == "\n"
    }

    mutating func trimOneNewline() {
        if trimBlocks, position < source.count, source[position] == "\n" {
            position += 1
            lineStarting = true
        } else {
            lineStarting = false
        }
    }

    /// If a block tag starting at `offset` (after `{%` and its sign) is `raw`, the offset after its end.
    func rawBlockBodyStart(_ offset: Int) -> Int? {
        var i = offset
        while i < source.count, PythonCharacters.isSpace(source[i]) { i += 1 }
        guard matches("raw", at: i) else { return nil }
        i += 3
        while i < source.count, PythonCharacters.isSpace(source[i]) { i += 1 }
        if matches("-%}", at: i) {
            i += 3
            while i < source.count, PythonCharacters.isSpace(source[i]) { i += 1 }
            return i
        }
        return matches("%}", at: i) ? i + 2 : nil
    }

    mutating func readRaw(from bodyStart: Int) throws {
        var i = bodyStart
        while let (tagStart, tag) = nextTag(from: i) {
            i = tagStart + 1
            guard tag == "%" else { continue }
            var j = tagStart + 2
            let sign: Unicode.Scalar? = j < source.count && (source[j] == "-" || source[j] == "+") ? source[j] : nil
            if sign != nil { j += 1 }
            while j < source.count, PythonCharacters.isSpace(source[j]) { j += 1 }
            guard matches("endraw", at: j) else { continue }
            j += 6
            while j < source.count, PythonCharacters.isSpace(source[j]) { j += 1 }
            var textEnd = tagStart
            if sign == "-" {
                while textEnd > bodyStart, PythonCharacters.isSpace(source[textEnd - 1]) { textEnd -= 1 }
            } else if sign != "+", lstripBlocks {
                lineStarting = false
                textEnd = lstripEnd(textStart: bodyStart, textEnd: tagStart)
            }
            if matches("+%}", at: j) {
                position = j + 3
                lineStarting = false
            } else if matches("-%}", at: j) {
                position = j + 3
                skipWhitespace()
            } else if matches("%}", at: j) {
                position = j + 2
                trimOneNewline()
            } else {
                continue
            }
            if textEnd > bodyStart { emit(.data, string(bodyStart..<textEnd), at: bodyStart) }
            return
        }
        throw syntaxError("missing end of raw directive '{% endraw %}'", at: bodyStart)
    }

    /// Tokenizes the inside of `{{ ... }}` or `{% ... %}` up to and including its end.
    mutating func tokenizeTag(isBlock: Bool) throws {
        var brackets: [(Unicode.Scalar, Int)] = []
        while true {
            // At the end of the text jinja2's lexer just stops; the parser then reports what is missing.
            guard position < source.count else { return }
            if brackets.isEmpty, try tagEnd(isBlock: isBlock) { return }
            let c = source[position]
            if PythonCharacters.isSpace(c) { position += 1; continue }
            let start = position
            if PythonCharacters.isDigit(c) {
                try readNumber()
            } else if PythonCharacters.isNameStart(c) {
                while position < source.count, PythonCharacters.isNameContinue(source[position]) { position += 1 }
                emit(.name, string(start..<position), at: start)
            } else if c == "'" || c == "\"" {
                emit(.string, try readString(quote: c), at: start)
            } else {
                let op = try readOperator()
                if op == "(" || op == "[" || op == "{" {
                    brackets.append((op == "(" ? ")" : op == "[" ? "]" : "}", start))
                } else if op == ")" || op == "]" || op == "}" {
                    guard let (expected, _) = brackets.popLast() else { throw syntaxError("unexpected '\(op)'", at: start) }
                    if String(expected) != op { throw syntaxError("unexpected '\(op)', expected '\(expected)'", at: start) }
                }
                emit(.operator, op, at: start)
            }
        }
    }

    /// Consumes the end of the tag if it is at the current position.
    mutating func tagEnd(isBlock: Bool) throws -> Bool {
        let start = position
        if isBlock {
            if matches("+%}", at: position) {
                position += 3; lineStarting = false
            } else if matches("-%}", at: position) {
                position += 3; skipWhitespace()
            } else if matches("%}", at: position) {
                position += 2; trimOneNewline()
            } else {
                return false
            }
            emit(.blockEnd, "%}", at: start)
        } else {
            if matches("-}}", at: position) {
                position += 3; skipWhitespace()
            } else if matches("}}", at: position) {
                position += 2; lineStarting = false
            } else {
                return false
            }
            emit(.variableEnd, "}}", at: start)
        }
        return true
    }

    static let operators = ["//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[", "]", "(", ")",
                            "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"]

    mutating func readOperator() throws -> String {
        for op in Self.operators where matches(op, at: position) {
            position += op.unicodeScalars.count
            return op
        }
        throw syntaxError("unexpected char '\(String(source[position]))'", at: position)
    }

}
