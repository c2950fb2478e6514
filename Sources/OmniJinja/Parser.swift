/// Builds statements from tokens, following jinja2's grammar and precedence.
struct Parser {
    static let maximumDepth = 200
    let name: String
    let tokens: [Token]
    var index = 0
    var depth = 0
    var loopDepth = 0
    let numbering = ExpressionNumbering()
    /// Inside an `if` statement or a conditional expression (see `withSoftFrame`).
    var softFrame = false
    /// Unknown filters and tests outside soft frames, reported once parsing has finished.
    var unknownNames: [JinjaError] = []

    init(tokens: [Token], name: String) {
        self.tokens = tokens
        self.name = name
    }

    var current: Token { tokens[min(index, tokens.count - 1)] }
    var next: Token { tokens[min(index + 1, tokens.count - 1)] }

    func fail(_ message: String, at token: Token? = nil) -> JinjaError {
        // jinja2 lexes lazily: reaching a token the lexer could not read reports the lexer's error.
        let t = token ?? current
        if t.kind == .error {
            return .syntax(name: name, line: t.line, column: t.column, message: t.text)
        }
        return .syntax(name: name, line: t.line, column: t.column, message: message)
    }

    mutating func advance() -> Token {
        let t = current
        if index < tokens.count - 1 { index += 1 }
        return t
    }

    func isOperator(_ op: String) -> Bool { current.kind == .operator && current.text == op }
    func isName(_ word: String) -> Bool { current.kind == .name && current.text == word }

    mutating func skipOperator(_ op: String) -> Bool {
        if isOperator(op) { index += 1; return true }
        return false
    }

    mutating func skipName(_ word: String) -> Bool {
        if isName(word) { index += 1; return true }
        return false
    }

    mutating func expectOperator(_ op: String) throws {
        guard skipOperator(op) else { throw fail("expected '\(op)', got \(describe(current))") }
    }

    mutating func expectName() throws -> String {
        guard current.kind == .name else { throw fail("expected a name, got \(describe(current))") }
        return advance().text
    }

    func describe(_ token: Token) -> String {
        switch token.kind {
        case .end: return "end of template"
        case .blockEnd: return "end of statement block"
        case .variableEnd: return "end of print statement"
        case .data: return "template data"
        case .string: return "string"
        default: return "'\(token.text)'"
        }
    }

    mutating func enter() throws {
        depth += 1
        if depth > Self.maximumDepth { throw fail("template nested deeper than \(Self.maximumDepth) levels") }
    }

    // MARK: Statements

    /// Parses the whole template. Unknown filters and tests are reported after the whole
    /// template parsed, as jinja2 reports them when it compiles.
    mutating func parseTemplate() throws -> Block {
        let (body, end) = try parseBody(until: [])
        if let end { throw fail("unexpected '\(end)'") }
        if let unknown = unknownNames.first { throw unknown }
        return Block(body)
    }

    /// Parses statements until a block tag whose first word is in `endWords` (consumed, returned)
    /// or the end of the template (nil; an error if `endWords` is not empty).
    mutating func parseBody(until endWords: Set<String>) throws -> ([Statement], String?) {
        try enter()
        defer { depth -= 1 }
        var body: [Statement] = []
        while true {
            let token = current
            switch token.kind {
            case .end:
                if !endWords.isEmpty {
                    let expected = endWords.sorted().map { "'\($0)'" }.joined(separator: " or ")
                    throw fail("unexpected end of template, expected \(expected)")
                }
                return (body, nil)
            case .data:
                index += 1
                body.append(Statement(kind: .text(token.text), line: token.line))
            case .variableBegin:
                index += 1
                let expression = try parseTuple()
                guard current.kind == .variableEnd else { throw fail("expected end of print statement '}}', got \(describe(current))") }
                index += 1
                body.append(Statement(kind: .output(expression), line: token.line))
            case .blockBegin:
                index += 1
                guard current.kind == .name else { throw fail("expected a statement name after '{%', got \(describe(current))") }
                if endWords.contains(current.text) {
                    let word = advance().text
                    return (body, word)
                }
                body.append(try parseStatement())
                try expectBlockEnd()
            default:
                throw fail("unexpected \(describe(token))")
            }
        }
    }

    mutating func expectBlockEnd() throws {
        guard current.kind == .blockEnd else { throw fail("expected end of statement block '%}', got \(describe(current))") }
        index += 1
    }

    /// Parses the body of a block statement: an optional `:` (jinja2 accepts `{% if x: %}`),
    /// the end of the opening tag, then statements up to one of `endWords`.
    mutating func parseBlockBody(until endWords: Set<String>, soft: Bool) throws -> ([Statement], String?) {
        _ = skipOperator(":")
        try expectBlockEnd()
        let savedSoft = softFrame
        softFrame = soft
        defer { softFrame = savedSoft }
        return try parseBody(until: endWords)
    }

    mutating func parseStatement() throws -> Statement {
        let keyword = current
        index += 1
        let line = keyword.line
        switch keyword.text {
        case "if": return Statement(kind: try parseIf(), line: line)
        case "for": return Statement(kind: try parseFor(), line: line)
        case "set": return Statement(kind: try parseSet(), line: line)
        case "macro": return Statement(kind: try parseMacro(), line: line)
        case "call": return Statement(kind: try parseCallBlock(), line: line)
        case "filter": return Statement(kind: try parseFilterBlock(), line: line)
        case "with": return Statement(kind: try parseWith(), line: line)
        case "generation":
            let (body, _) = try parseBlockBody(until: ["endgeneration"], soft: false)
            return Statement(kind: .generation(Block(body)), line: line)
        case "break", "continue":
            guard loopDepth > 0 else { throw fail("'\(keyword.text)' outside of a loop", at: keyword) }
            return Statement(kind: keyword.text == "break" ? .breakLoop : .continueLoop, line: line)
        default:
            throw fail("encountered unknown tag '\(keyword.text)'", at: keyword)
        }
    }

    /// Runs `body` with the soft-frame flag set (inside `if` statements and conditional
    /// expressions jinja2 lets unknown filters and tests fail only when they run).
    mutating func withSoftFrame<T>(_ soft: Bool, _ body: (inout Parser) throws -> T) rethrows -> T {
        let saved = softFrame
        softFrame = soft
        defer { softFrame = saved }
        return try body(&self)
    }

    mutating func parseIf() throws -> StatementKind {
        var branches: [(Expression, [Statement])] = []
        var otherwise: [Statement] = []
        while true {
            let test = try withSoftFrame(true) { try $0.parseTuple(withCondition: false) }
            let (body, end) = try parseBlockBody(until: ["elif", "else", "endif"], soft: true)
            branches.append((test, body))
            if end == "elif" { continue }
            if end == "else" {
                (otherwise, _) = try parseBlockBody(until: ["endif"], soft: true)
            }
            return .ifStatement(branches: branches, otherwise: otherwise)
        }
    }

    mutating func parseFor() throws -> StatementKind {
        let target = try parseAssignTarget(allowNamespace: false)
        guard skipName("in") else { throw fail("expected 'in' in for loop, got \(describe(current))") }
        let iterable = try parseTuple(withCondition: false, extraEndWords: ["recursive"])
        var condition: Expression?
        if skipName("if") { condition = try withSoftFrame(false) { try $0.parseExpression() } }
        let recursive = skipName("recursive")
        loopDepth += 1
        let (body, end) = try parseBlockBody(until: ["endfor", "else"], soft: false)
        loopDepth -= 1
        var otherwise: [Statement] = []
        if end == "else" {
            (otherwise, _) = try parseBlockBody(until: ["endfor"], soft: false)
        }
        return .forLoop(target: target, iterable: iterable, condition: condition,
                        body: Block(body, parameters: SyntaxQueries.targetNames(target) + ["loop"]),
                        otherwise: Block(otherwise), recursive: recursive)
    }

    mutating func parseSet() throws -> StatementKind {
        let target = try parseAssignTarget(allowNamespace: true)
        if skipOperator("=") {
            return .set(target, try parseTuple())
        }
        let filters = try withSoftFrame(false) { try $0.parseFilterChain(requireFirst: false) }
        let (body, _) = try parseBlockBody(until: ["endset"], soft: false)
        return .setBlock(target, filters: filters, body: Block(body))
    }

    mutating func parseMacro() throws -> StatementKind {
        let macroName = try expectName()
        let parameters = try withSoftFrame(false) { try $0.parseParameters() }
        let savedLoopDepth = loopDepth
        loopDepth = 0
        let (body, _) = try parseBlockBody(until: ["endmacro"], soft: false)
        loopDepth = savedLoopDepth
        return .macro(name: macroName, parameters: parameters, body: Block(body, parameters: parameters.map(\.name) + ["caller", "varargs", "kwargs"]))
    }

    mutating func parseParameters() throws -> [MacroParameter] {
        var parameters: [MacroParameter] = []
        try expectOperator("(")
        while !skipOperator(")") {
            if !parameters.isEmpty { try expectOperator(",") }
            if skipOperator(")") { break }
            let parameterName = try expectName()
            var defaultValue: Expression?
            if skipOperator("=") { defaultValue = try parseExpression() }
            parameters.append(MacroParameter(name: parameterName, defaultValue: defaultValue))
        }
        return parameters
    }

    mutating func parseCallBlock() throws -> StatementKind {
        let parameters = isOperator("(") ? try parseParameters() : []
        let call = try parseExpression()
        guard case .call = call.kind else { throw fail("expected a call after 'call'") }
        let (body, _) = try parseBlockBody(until: ["endcall"], soft: false)
        return .callBlock(call: call, parameters: parameters, body: Block(body, parameters: parameters.map(\.name) + ["caller", "varargs", "kwargs"]))
    }

    mutating func parseFilterBlock() throws -> StatementKind {
        let filters = try withSoftFrame(false) { try $0.parseFilterChain(requireFirst: true) }
        let (body, _) = try parseBlockBody(until: ["endfilter"], soft: false)
        return .filterBlock(filters: filters, body: Block(body))
    }

    mutating func parseWith() throws -> StatementKind {
        var assignments: [(AssignTarget, Expression)] = []
        try withSoftFrame(false) { parser in
            while parser.current.kind != .blockEnd && !parser.isOperator(":") {
                if !assignments.isEmpty { try parser.expectOperator(",") }
                let target = try parser.parseAssignTarget(allowNamespace: false)
                try parser.expectOperator("=")
                assignments.append((target, try parser.parseExpression()))
            }
        }
        let (body, _) = try parseBlockBody(until: ["endwith"], soft: false)
        return .with(assignments: assignments, body: Block(body, parameters: assignments.flatMap { SyntaxQueries.targetNames($0.0) }))
    }

    /// `name | f(args) | g` as used by filter blocks; the leading `|` is absent for the first filter of `{% filter %}`.
    mutating func parseFilterChain(requireFirst: Bool) throws -> [FilterCall] {
        var filters: [FilterCall] = []
        if requireFirst {
            filters.append(try parseFilterCall())
        }
        while skipOperator("|") { filters.append(try parseFilterCall()) }
        return filters
    }

    mutating func parseFilterCall() throws -> FilterCall {
        let line = current.line
        let nameToken = current
        var filterName = try expectName()
        while isOperator("."), next.kind == .name {
            index += 1
            filterName += "." + advance().text
        }
        noteUnknown(Filters.names.contains(filterName) ? nil : "No filter named '\(filterName)'.", at: nameToken)
        let arguments = isOperator("(") ? try parseCallArguments() : CallArguments()
        return FilterCall(name: filterName, arguments: arguments, line: line)
    }

    /// jinja2 rejects unknown filters and tests when it compiles the template, except inside
    /// `if` statements and conditional expressions, where they fail only if they run.
    mutating func noteUnknown(_ message: String?, at token: Token) {
        guard let message, !softFrame else { return }
        unknownNames.append(.syntax(name: name, line: token.line, column: token.column, message: message))
    }

    mutating func parseAssignTarget(allowNamespace: Bool) throws -> AssignTarget {
        var targets: [AssignTarget] = []
        var sawComma = false
        let parenthesized = skipOperator("(")
        repeat {
            if !targets.isEmpty && (current.kind == .blockEnd || current.kind == .variableEnd || isOperator(")")) { break }
            let targetName = try expectName()
            if allowNamespace, isOperator("."), next.kind == .name {
                index += 1
                targets.append(.namespaceAttribute(targetName, advance().text))
            } else {
                if ["true", "false", "none", "True", "False", "None"].contains(targetName) {
                    throw fail("cannot assign to '\(targetName)'")
                }
                targets.append(.name(targetName))
            }
            sawComma = isOperator(",")
        } while skipOperator(",")
        if parenthesized { try expectOperator(")") }
        if targets.count == 1 && !sawComma && !parenthesized { return targets[0] }
        if targets.count == 1 && !sawComma { return targets[0] }
        return .tuple(targets)
    }
}
