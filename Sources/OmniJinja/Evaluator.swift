/// Expression evaluation.
extension Renderer {
    func evaluate(_ expression: Expression, in scope: Scope) throws -> Value {
        try countStep(expression.line)
        let line = expression.line
        switch expression.kind {
        case .literal(let value):
            return value
        case .name(let name):
            if let value = scope.lookup(name) ?? globalValue(name), value != .undefined { return value }
            undefinedHints[expression.id] = scope.undefinedHint(for: name) ?? "'\(name)' is undefined"
            return .undefined
        case .list(let items):
            return .array(try items.map { try evaluate($0, in: scope) })
        case .tuple(let items):
            return .tuple(try items.map { try evaluate($0, in: scope) })
        case .dictionary(let pairs):
            var object = OrderedObject()
            for (keyExpression, valueExpression) in pairs {
                let key = try evaluate(keyExpression, in: scope)
                guard case .string(let text) = key else {
                    throw runtimeError("dictionary keys must be strings here, got \(key.typeName)", line: line)
                }
                object[text] = try evaluate(valueExpression, in: scope)
            }
            return .object(object)
        case let .attribute(subject, name):
            let value = try evaluate(subject, in: scope)
            if value == .undefined { throw runtimeError(undefinedMessage(subject), line: line) }
            let result = try located(line) { try Attributes.attribute(of: value, named: name, subject: subject) }
            if result == .undefined {
                if case .name("loop") = subject.kind, name == "previtem" || name == "nextitem" {
                    undefinedHints[expression.id] = name == "previtem" ? "there is no previous item" : "there is no next item"
                } else {
                    undefinedHints[expression.id] = "'\(Self.typeRepr(value))' has no attribute '\(name)'"
                }
            }
            return result
        case let .item(subject, keyExpression):
            let value = try evaluate(subject, in: scope)
            let key = try evaluate(keyExpression, in: scope)
            if value == .undefined { throw runtimeError(undefinedMessage(subject), line: line) }
            let result = try located(line) { try Attributes.item(of: value, key: key, subject: subject) }
            if result == .undefined {
                if case .string(let name) = key {
                    undefinedHints[expression.id] = "'\(Self.typeRepr(value))' has no attribute '\(name)'"
                } else {
                    undefinedHints[expression.id] = "\(Self.typeRepr(value)) has no element \((try? PythonFormatting.repr(key)) ?? "?")"
                }
            }
            return result
        case let .slice(subject, start, stop, step):
            let value = try evaluate(subject, in: scope)
            if value == .undefined { throw runtimeError(undefinedMessage(subject), line: line) }
            let bounds = try [start, stop, step].map { try $0.map { try evaluate($0, in: scope) } ?? .none }
            return try located(line) { try Operators.slice(value, start: bounds[0], stop: bounds[1], step: bounds[2]) }
        case .call:
            return try evaluateCall(expression, in: scope, extraKeywords: [])
        case let .filter(subject, name, arguments):
            let value = try evaluate(subject, in: scope)
            let result = try applyFilter(name, to: value, arguments, line: line, in: scope)
            if result == .undefined, name == "first" || name == "last" {
                undefinedHints[expression.id] = "No \(name) item, sequence was empty."
            }
            return result
        case let .test(subject, name, arguments, negated):
            let value = try evaluate(subject, in: scope)
            let evaluated = try evaluateArguments(arguments, in: scope, line: line)
            if !TestFunctions.names.contains(name) { throw runtimeError("No test named '\(name)' found.", line: line) }
            let result = try located(line) { try TestFunctions.apply(name, to: value, evaluated, renderer: self) }
            return .bool(result != negated)
        case .not(let operand):
            return .bool(!(try evaluate(operand, in: scope).isTruthy))
        case .negate(let operand):
            let value = try evaluate(operand, in: scope)
            if value == .undefined { throw runtimeError(undefinedMessage(operand), line: line) }
            return try located(line) { try Operators.negate(value) }
        case .plus(let operand):
            let value = try evaluate(operand, in: scope)
            if value == .undefined { throw runtimeError(undefinedMessage(operand), line: line) }
            return try located(line) { try Operators.unaryPlus(value) }
        case let .binary(op, left, right):
            let a = try evaluate(left, in: scope)
            let b = try evaluate(right, in: scope)
            // Undefined's reflected operators win over Python's own TypeErrors; only a string's
            // `%` formatting runs first and accepts it.
            if a == .undefined { throw runtimeError(undefinedMessage(left), line: line) }
            if b == .undefined {
                var formats = false
                if case .string = a, op == .modulo { formats = true }
                if !formats { throw runtimeError(undefinedMessage(right), line: line) }
            }
            return try located(line) { try Operators.binary(op, a, b) }
        case let .and(left, right):
            let a = try evaluate(left, in: scope)
            return a.isTruthy ? try evaluate(right, in: scope) : a
        case let .or(left, right):
            let a = try evaluate(left, in: scope)
            return a.isTruthy ? a : try evaluate(right, in: scope)
        case let .compare(first, rest):
            var left = try evaluate(first, in: scope)
            var leftExpression = first
            for (op, rightExpression) in rest {
                let right = try evaluate(rightExpression, in: scope)
                if [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(op) {
                    if left == .undefined { throw runtimeError(undefinedMessage(leftExpression), line: line) }
                    if right == .undefined { throw runtimeError(undefinedMessage(rightExpression), line: line) }
                }
                let holds = try located(line) { try Operators.compare(op, left, right) }
                if !holds { return .bool(false) }
                left = right
                leftExpression = rightExpression
            }
            return .bool(true)
        case let .conditional(test, then, otherwise):
            if try evaluate(test, in: scope).isTruthy { return try evaluate(then, in: scope) }
            if let otherwise { return try evaluate(otherwise, in: scope) }
            undefinedHints[expression.id] = "the inline if-expression on line \(line) evaluated to false and no else section was defined."
            return .undefined
        case .concat(let items):
            var text = ""
            for item in items {
                let value = try evaluate(item, in: scope)
                text += try located(line) { try Operators.printable(value) }
            }
            return .string(text)
        }
    }

    /// jinja2's message for using the undefined value `expression` produced.
    func undefinedMessage(_ expression: Expression) -> String {
        if let hint = undefinedHints[expression.id] { return hint }
        if case .name(let name) = expression.kind { return "'\(name)' is undefined" }
        return "\(Attributes.describe(expression)) is undefined"
    }

    /// Python's `object_type_repr`: "dict object", "None", ...
    static func typeRepr(_ value: Value) -> String {
        switch value {
        case .none: return "None"
        case .namespace: return "transformers.utils.chat_template_utils.TemplateNamespace object"
        default: return "\(value.typeName) object"
        }
    }

    func evaluateArguments(_ arguments: CallArguments, in scope: Scope, line: Int) throws -> Arguments {
        var result = Arguments()
        result.positional = try arguments.positional.map { try evaluate($0, in: scope) }
        if let star = arguments.starArguments {
            let value = try evaluate(star, in: scope)
            result.positional += try located(line) { try Operators.iterate(value) }
        }
        result.keywords = try arguments.keywords.map { ($0.0, try evaluate($0.1, in: scope)) }
        if let starKeywords = arguments.starKeywords {
            guard case .object(let object) = try evaluate(starKeywords, in: scope) else {
                throw runtimeError("argument after ** must be a mapping", line: line)
            }
            result.keywords += object.pairs.map { ($0.key, $0.value) }
        }
        return result
    }

    func evaluateCall(_ expression: Expression, in scope: Scope, extraKeywords: [(String, Value)]) throws -> Value {
        guard case let .call(calleeExpression, argumentExpressions) = expression.kind else {
            return try evaluate(expression, in: scope)
        }
        let line = expression.line
        let callee = try evaluate(calleeExpression, in: scope)
        var arguments = try evaluateArguments(argumentExpressions, in: scope, line: line)
        arguments.keywords += extraKeywords
        guard case .function(let function) = callee else {
            if case .undefined = callee { throw runtimeError(undefinedMessage(calleeExpression), line: line) }
            throw runtimeError("'\(callee.typeName)' object is not callable", line: line)
        }
        return try located(line) { try function.call(arguments) }
    }

    func applyFilter(_ name: String, to value: Value, _ arguments: CallArguments, line: Int, in scope: Scope) throws -> Value {
        let evaluated = try evaluateArguments(arguments, in: scope, line: line)
        return try located(line) { try Filters.apply(name, to: value, evaluated, renderer: self) }
    }
}
