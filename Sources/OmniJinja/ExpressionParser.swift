/// Expression grammar, lowest precedence first: conditional, or, and, not, comparison,
/// `+ -`, `~`, `* / // %`, `**`, unary minus, then postfix (`.x`, `[i]`, calls) and filters/tests.
extension Parser {
    func expression(_ kind: ExpressionKind, _ line: Int) -> Expression {
        Expression(kind: kind, line: line, id: numbering.take())
    }

    /// Items separated by commas; a tuple when there is a comma, else the single expression.
    mutating func parseTuple(withCondition: Bool = true, extraEndWords: Set<String> = [], explicitParentheses: Bool = false) throws -> Expression {
        let line = current.line
        var items: [Expression] = []
        var sawComma = false
        while true {
            if !items.isEmpty {
                guard skipOperator(",") else { break }
                sawComma = true
            }
            if isTupleEnd(extraEndWords) { break }
            items.append(withCondition ? try parseExpression() : try parseOr())
            if !isOperator(",") { break }
        }
        if !sawComma {
            if let only = items.first { return only }
            if !explicitParentheses { throw fail("expected an expression, got \(describe(current))") }
        }
        return expression(.tuple(items), line)
    }

    /// Where a tuple may end after a comma. jinja2 also passes extra end words (`in`,
    /// `recursive`) here but never matches them, so neither do we.
    func isTupleEnd(_ extraEndWords: Set<String>) -> Bool {
        switch current.kind {
        case .variableEnd, .blockEnd, .end: return true
        case .operator: return current.text == ")"
        default: return false
        }
    }

    mutating func parseExpression() throws -> Expression {
        try enter()
        defer { depth -= 1 }
        let unknownMark = unknownNames.count
        var result = try parseOr()
        while isName("if") {
            let line = advance().line
            // The whole conditional expression is a soft frame, the part before `if` included.
            unknownNames.removeSubrange(min(unknownMark, unknownNames.count)...)
            let test = try withSoftFrame(true) { try $0.parseOr() }
            var otherwise: Expression?
            if skipName("else") { otherwise = try withSoftFrame(true) { try $0.parseExpression() } }
            result = expression(.conditional(test: test, then: result, otherwise: otherwise), line)
        }
        return result
    }

    mutating func parseOr() throws -> Expression {
        var left = try parseAnd()
        while isName("or") {
            let line = advance().line
            left = expression(.or(left, try parseAnd()), line)
        }
        return left
    }

    mutating func parseAnd() throws -> Expression {
        var left = try parseNot()
        while isName("and") {
            let line = advance().line
            left = expression(.and(left, try parseNot()), line)
        }
        return left
    }

    mutating func parseNot() throws -> Expression {
        if isName("not") {
            let line = advance().line
            try enter()
            defer { depth -= 1 }
            return expression(.not(try parseNot()), line)
        }
        return try parseCompare()
    }

    mutating func parseCompare() throws -> Expression {
        let line = current.line
        let first = try parseMath1()
        var rest: [(ComparisonOperator, Expression)] = []
        while true {
            if current.kind == .operator, let op = ComparisonOperator(rawValue: current.text), op != .contains {
                index += 1
                rest.append((op, try parseMath1()))
            } else if skipName("in") {
                rest.append((.contains, try parseMath1()))
            } else if isName("not"), next.kind == .name, next.text == "in" {
                index += 2
                rest.append((.notContains, try parseMath1()))
            } else {
                break
            }
        }
        return rest.isEmpty ? first : expression(.compare(first, rest), line)
    }

    mutating func parseMath1() throws -> Expression {
        var left = try parseConcat()
        while current.kind == .operator, current.text == "+" || current.text == "-" {
            let op = advance()
            left = expression(.binary(op.text == "+" ? .add : .subtract, left, try parseConcat()), op.line)
        }
        return left
    }

    mutating func parseConcat() throws -> Expression {
        let line = current.line
        var items = [try parseMath2()]
        while skipOperator("~") { items.append(try parseMath2()) }
        return items.count == 1 ? items[0] : expression(.concat(items), line)
    }

    mutating func parseMath2() throws -> Expression {
        var left = try parsePower()
        while current.kind == .operator, let op = BinaryOperator(rawValue: current.text),
              op == .multiply || op == .divide || op == .floorDivide || op == .modulo {
            let line = advance().line
            left = expression(.binary(op, left, try parsePower()), line)
        }
        return left
    }

    mutating func parsePower() throws -> Expression {
        var left = try parseUnary(withFilters: true)
        while isOperator("**") {
            let line = advance().line
            left = expression(.binary(.power, left, try parseUnary(withFilters: true)), line)
        }
        return left
    }

    mutating func parseUnary(withFilters: Bool) throws -> Expression {
        try enter()
        defer { depth -= 1 }
        let line = current.line
        var node: Expression
        if skipOperator("-") {
            node = expression(.negate(try parseUnary(withFilters: false)), line)
        } else if skipOperator("+") {
            node = expression(.plus(try parseUnary(withFilters: false)), line)
        } else {
            node = try parsePrimary()
        }
        node = try parsePostfix(node)
        if withFilters { node = try parseFilterExpression(node) }
        return node
    }

    mutating func parsePrimary() throws -> Expression {
        let token = current
        switch token.kind {
        case .name:
            index += 1
            switch token.text {
            case "true", "True": return expression(.literal(.bool(true)), token.line)
            case "false", "False": return expression(.literal(.bool(false)), token.line)
            case "none", "None": return expression(.literal(.none), token.line)
            default: return expression(.name(token.text), token.line)
            }
        case .string:
            var text = ""
            while current.kind == .string { text += advance().text }
            return expression(.literal(.string(text)), token.line)
        case .integer:
            index += 1
            guard let value = Int(token.text) else { throw fail("integer literal \(token.text) is too large", at: token) }
            return expression(.literal(.int(value)), token.line)
        case .float:
            index += 1
            guard let value = Double(token.text) else { throw fail("bad float literal \(token.text)", at: token) }
            return expression(.literal(.double(value)), token.line)
        case .operator where token.text == "(":
            index += 1
            let inner = try parseTuple(explicitParentheses: true)
            try expectOperator(")")
            return inner
        case .operator where token.text == "[":
            index += 1
            var items: [Expression] = []
            while !skipOperator("]") {
                if !items.isEmpty { try expectOperator(",") }
                if skipOperator("]") { break }
                items.append(try parseExpression())
            }
            return expression(.list(items), token.line)
        case .operator where token.text == "{":
            index += 1
            var pairs: [(Expression, Expression)] = []
            while !skipOperator("}") {
                if !pairs.isEmpty { try expectOperator(",") }
                if skipOperator("}") { break }
                let key = try parseExpression()
                try expectOperator(":")
                pairs.append((key, try parseExpression()))
            }
            return expression(.dictionary(pairs), token.line)
        default:
            throw fail("unexpected \(describe(token))")
        }
    }

    mutating func parsePostfix(_ start: Expression) throws -> Expression {
        var node = start
        while true {
            if isOperator(".") || isOperator("[") {
                node = try parseSubscript(node)
            } else if isOperator("(") {
                node = expression(.call(node, try parseCallArguments()), current.line)
            } else {
                return node
            }
        }
    }

    mutating func parseFilterExpression(_ start: Expression) throws -> Expression {
        var node = start
        while true {
            if isOperator("|") {
                index += 1
                let filter = try parseFilterCall()
                node = expression(.filter(node, name: filter.name, filter.arguments), filter.line)
            } else if isName("is") {
                node = try parseTest(node)
            } else if isOperator("(") {
                node = expression(.call(node, try parseCallArguments()), current.line)
            } else {
                return node
            }
        }
    }

    mutating func parseTest(_ subject: Expression) throws -> Expression {
        let line = advance().line
        let negated = skipName("not")
        let nameToken = current
        var testName = try expectName()
        while isOperator("."), next.kind == .name {
            index += 1
            testName += "." + advance().text
        }
        noteUnknown(TestFunctions.names.contains(testName) ? nil : "No test named '\(testName)'.", at: nameToken)
        var arguments = CallArguments()
        if isOperator("(") {
            arguments = try parseCallArguments()
        } else if [.name, .string, .integer, .float].contains(current.kind) || isOperator("[") || isOperator("{") {
            if !(current.kind == .name && ["else", "or", "and"].contains(current.text)) {
                if isName("is") { throw fail("you cannot chain multiple tests with 'is'") }
                arguments.positional = [try parsePostfix(try parsePrimary())]
            }
        }
        return expression(.test(subject, name: testName, arguments, negated: negated), line)
    }

    mutating func parseSubscript(_ subject: Expression) throws -> Expression {
        let token = advance()
        if token.text == "." {
            let attribute = current
            if attribute.kind == .name {
                index += 1
                return expression(.attribute(subject, attribute.text), token.line)
            }
            if attribute.kind == .integer, let value = Int(attribute.text) {
                index += 1
                return expression(.item(subject, expression(.literal(.int(value)), token.line)), token.line)
            }
            throw fail("expected a name or number after '.', got \(describe(attribute))")
        }
        var start: Expression?
        if !isOperator(":") && !isOperator("]") { start = try parseExpression() }
        if !isOperator(":") {
            if isOperator(",") {
                var items = [start].compactMap { $0 }
                while skipOperator(",") {
                    if isOperator("]") { break }
                    items.append(try parseExpression())
                }
                try expectOperator("]")
                return expression(.item(subject, expression(.tuple(items), token.line)), token.line)
            }
            try expectOperator("]")
            return expression(.item(subject, start ?? expression(.tuple([]), token.line)), token.line)
        }
        index += 1
        var stop: Expression?
        var step: Expression?
        if !isOperator("]") && !isOperator(":") { stop = try parseExpression() }
        if skipOperator(":") {
            if !isOperator("]") { step = try parseExpression() }
        }
        try expectOperator("]")
        return expression(.slice(subject, start: start, stop: stop, step: step), token.line)
    }

    mutating func parseCallArguments() throws -> CallArguments {
        try expectOperator("(")
        var arguments = CallArguments()
        var first = true
        while !skipOperator(")") {
            if !first { try expectOperator(",") }
            first = false
            if skipOperator(")") { break }
            if skipOperator("*") {
                arguments.starArguments = try parseExpression()
            } else if skipOperator("**") {
                arguments.starKeywords = try parseExpression()
            } else if current.kind == .name, next.kind == .operator, next.text == "=" {
                let keyword = advance().text
                index += 1
                arguments.keywords.append((keyword, try parseExpression()))
            } else {
                if !arguments.keywords.isEmpty { throw fail("positional argument after keyword argument") }
                arguments.positional.append(try parseExpression())
            }
        }
        return arguments
    }
}
