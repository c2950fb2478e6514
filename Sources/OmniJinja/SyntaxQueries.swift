/// Questions answered by walking the syntax tree.
enum SyntaxQueries {
    /// Whether any expression in `statements` (nested blocks included) reads the variable `name`.
    static func reads(_ name: String, in statements: [Statement]) -> Bool {
        statements.contains { reads(name, in: $0) }
    }

    static func reads(_ name: String, in statement: Statement) -> Bool {
        switch statement.kind {
        case .text, .breakLoop, .continueLoop: return false
        case .output(let e): return reads(name, in: e)
        case let .ifStatement(branches, otherwise):
            return branches.contains { reads(name, in: $0.0) || reads(name, in: $0.1) } || reads(name, in: otherwise)
        case let .forLoop(_, iterable, condition, body, otherwise, _):
            return reads(name, in: iterable) || condition.map { reads(name, in: $0) } == true
                || reads(name, in: body) || reads(name, in: otherwise)
        case let .set(_, e): return reads(name, in: e)
        case let .setBlock(_, filters, body):
            return filters.contains { reads(name, in: $0.arguments) } || reads(name, in: body)
        case let .macro(_, parameters, body):
            return parameters.contains { $0.defaultValue.map { reads(name, in: $0) } == true } || reads(name, in: body)
        case let .callBlock(call, parameters, body):
            return reads(name, in: call) || parameters.contains { $0.defaultValue.map { reads(name, in: $0) } == true }
                || reads(name, in: body)
        case let .filterBlock(filters, body):
            return filters.contains { reads(name, in: $0.arguments) } || reads(name, in: body)
        case let .with(assignments, body):
            return assignments.contains { reads(name, in: $0.1) } || reads(name, in: body)
        case .generation(let body): return reads(name, in: body)
        }
    }

    static func reads(_ name: String, in arguments: CallArguments) -> Bool {
        arguments.positional.contains { reads(name, in: $0) } || arguments.keywords.contains { reads(name, in: $0.1) }
            || arguments.starArguments.map { reads(name, in: $0) } == true
            || arguments.starKeywords.map { reads(name, in: $0) } == true
    }

    static func reads(_ name: String, in expression: Expression) -> Bool {
        switch expression.kind {
        case .literal: return false
        case .name(let n): return n == name
        case .list(let items), .tuple(let items), .concat(let items): return items.contains { reads(name, in: $0) }
        case .dictionary(let pairs): return pairs.contains { reads(name, in: $0.0) || reads(name, in: $0.1) }
        case let .attribute(e, _), let .not(e), let .negate(e), let .plus(e): return reads(name, in: e)
        case let .item(a, b), let .binary(_, a, b), let .and(a, b), let .or(a, b): return reads(name, in: a) || reads(name, in: b)
        case let .slice(e, start, stop, step):
            return reads(name, in: e) || [start, stop, step].contains { $0.map { reads(name, in: $0) } == true }
        case let .call(e, arguments), let .filter(e, _, arguments), let .test(e, _, arguments, _):
            return reads(name, in: e) || reads(name, in: arguments)
        case let .compare(first, rest): return reads(name, in: first) || rest.contains { reads(name, in: $0.1) }
        case let .conditional(test, then, otherwise):
            return reads(name, in: test) || reads(name, in: then) || otherwise.map { reads(name, in: $0) } == true
        }
    }
}
