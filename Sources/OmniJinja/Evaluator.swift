/// Expression evaluation.
extension Renderer {
    func evaluate(_ expression: Expression, in scope: Scope) throws -> Value {
        try countStep(expression.line)
        let line = expression.line
        switch expression.kind {
        case .literal(let value):
            return value
        case .name(let name):
            if let value = scope.lookup(name) { return value }
            return globalValue(name) ?? .undefined
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
            return try located(line) { try Attributes.attribute(of: value, named: name, subject: subject) }
        case let .item(subject, keyExpression):
            let value = try evaluate(subject, in: scope)
            let key = try evaluate(keyExpression, in: scope)
            return try located(line) { try Attributes.item(of: value, key: key, subject: subject) }
        case let .slice(subject, start, stop, step):
            let value = try evaluate(subject, in: scope)
            let bounds = try [start, stop, step].map { try $0.map { try evaluate($0, in: scope) } ?? .none }
            return try located(line) { try Operators.slice(value, start: bounds[0], stop: bounds[1], step: bounds[2]) }
        case .call:
            return try evaluateCall(expression, in: scope, extraKeywords: [])
        case let .filter(subject, name, arguments):
            let value = try evaluate(subject, in: scope)
            return try applyFilter(name, to: value, arguments, line: line, in: scope)
        case let .test(subject, name, arguments, negated):
            let value = try evaluate(subject, in: scope)
            let evaluated = try evaluateArguments(arguments, in: scope, line: line)
            let result = try located(line) { try TestFunctions.apply(name, to: value, evaluated, renderer: self) }
            return .bool(result != negated)
        case .not(let operand):
            return .bool(!(try evaluate(operand, in: scope).isTruthy))
        case .negate(let operand):
            let value = try evaluate(operand, in: scope)
            return try located(line) { try Operators.negate(value) }
        case .plus(let operand):
            let value = try evaluate(operand, in: scope)
            return try located(line) { try Operators.unaryPlus(value) }
        case let .binary(op, left, right):
            let a = try evaluate(left, in: scope)
            let b = try evaluate(right, in: scope)
            return try located(line) { try Operators.binary(op, a, b) }
        case let .and(left, right):
            let a = try evaluate(left, in: scope)
            return a.isTruthy ? try evaluate(right, in: scope) : a
        case let .or(left, right):
            let a = try evaluate(left, in: scope)
            return a.isTruthy ? a : try evaluate(right, in: scope)
        case let .compare(first, rest):
            var left = try evaluate(first, in: scope)
            for (op, rightExpression) in rest {
                let right = try evaluate(rightExpression, in: scope)
                let holds = try located(line) { try Operators.compare(op, left, right) }
                if !holds { return .bool(false) }
                left = right
            }
            return .bool(true)
        case let .conditional(test, then, otherwise):
            if try evaluate(test, in: scope).isTruthy { return try evaluate(then, in: scope) }
            return try otherwise.map { try evaluate($0, in: scope) } ?? .undefined
        case .concat(let items):
            var text = ""
            for item in items {
                let value = try evaluate(item, in: scope)
                text += try located(line) { try Operators.printable(value) }
            }
            return .string(text)
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
            if case .undefined = callee {
                throw runtimeError("\(Attributes.describe(calleeExpression)) is undefined and cannot be called", line: line)
            }
            throw runtimeError("'\(callee.typeName)' object is not callable", line: line)
        }
        return try located(line) { try function.call(arguments) }
    }

    func applyFilter(_ name: String, to value: Value, _ arguments: CallArguments, line: Int, in scope: Scope) throws -> Value {
        let evaluated = try evaluateArguments(arguments, in: scope, line: line)
        return try located(line) { try Filters.apply(name, to: value, evaluated, renderer: self) }
    }
}
