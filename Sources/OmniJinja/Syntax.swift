/// An expression with the template line it starts on, and a number unique in its template
/// (used to remember why an expression came out undefined).
struct Expression: Sendable {
    let kind: ExpressionKind
    let line: Int
    var id = 0
}

/// Hands out expression numbers while parsing.
final class ExpressionNumbering {
    private var next = 0
    func take() -> Int {
        next += 1
        return next
    }
}

/// Operators of binary arithmetic expressions.
enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%", power = "**"
}

/// Comparison operators, which chain like Python's (`a < b < c`).
enum ComparisonOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case contains = "in", notContains = "not in"
}

/// The kinds of Jinja expressions.
indirect enum ExpressionKind: Sendable {
    case literal(Value)
    case name(String)
    case list([Expression])
    case tuple([Expression])
    case dictionary([(Expression, Expression)])
    case attribute(Expression, String)
    case item(Expression, Expression)
    case slice(Expression, start: Expression?, stop: Expression?, step: Expression?)
    case call(Expression, CallArguments)
    case filter(Expression, name: String, CallArguments)
    case test(Expression, name: String, CallArguments, negated: Bool)
    case not(Expression)
    case negate(Expression)
    case plus(Expression)
    case binary(BinaryOperator, Expression, Expression)
    case and(Expression, Expression)
    case or(Expression, Expression)
    case compare(Expression, [(ComparisonOperator, Expression)])
    case conditional(test: Expression, then: Expression, otherwise: Expression?)
    case concat([Expression])
}

/// The arguments written in a call, filter or test.
struct CallArguments: Sendable {
    var positional: [Expression] = []
    var keywords: [(String, Expression)] = []
    var starArguments: Expression?
    var starKeywords: Expression?
}

/// What a `set` or `for` assigns to.
indirect enum AssignTarget: Sendable {
    case name(String)
    case tuple([AssignTarget])
    /// `ns.attribute`, which changes a namespace in place.
    case namespaceAttribute(String, String)
}

/// A filter applied by `{% filter %}` or a block `{% set x | f %}`.
struct FilterCall: Sendable {
    let name: String
    let arguments: CallArguments
    let line: Int
}

/// A template statement with the line it starts on.
struct Statement: Sendable {
    let kind: StatementKind
    let line: Int
}

/// Macro parameter with its optional default.
struct MacroParameter: Sendable {
    let name: String
    let defaultValue: Expression?
}

/// The statements of one jinja2 frame (the template, a loop body, a macro body, ...) with
/// what its scoping needs. jinja2 resolves names statically: a name whose first use in a
/// frame is an assignment (outside any `if`) starts out undefined in that frame, and in the
/// frames nested in it, unless an enclosing frame uses the name too; until the assignment
/// runs, the context's value is hidden.
struct Block: Sendable {
    let statements: [Statement]
    /// Names first assigned, not read, in this frame (outside `if` branches), in order.
    let undefinedOnEntry: [String]
    /// Every name this frame reads or assigns itself (nested frames excluded, parameters included).
    let frameReferences: Set<String>
    /// Every name read anywhere inside, nested frames included.
    let reads: Set<String>

    init(_ statements: [Statement], parameters: [String] = []) {
        self.statements = statements
        var frame = SyntaxQueries.FrameNames()
        frame.seen.formUnion(parameters)
        SyntaxQueries.collectFrame(statements, into: &frame)
        undefinedOnEntry = frame.undefinedOnEntry
        frameReferences = frame.seen
        var all = Set<String>()
        SyntaxQueries.collectAllReads(statements, into: &all)
        reads = all
    }
}

/// The kinds of template statements.
indirect enum StatementKind: Sendable {
    case text(String)
    case output(Expression)
    case ifStatement(branches: [(Expression, [Statement])], otherwise: [Statement])
    case forLoop(target: AssignTarget, iterable: Expression, condition: Expression?, body: Block, otherwise: Block, recursive: Bool)
    case set(AssignTarget, Expression)
    case setBlock(AssignTarget, filters: [FilterCall], body: Block)
    case macro(name: String, parameters: [MacroParameter], body: Block)
    case callBlock(call: Expression, parameters: [MacroParameter], body: Block)
    case filterBlock(filters: [FilterCall], body: Block)
    case with(assignments: [(AssignTarget, Expression)], body: Block)
    case breakLoop
    case continueLoop
    /// transformers' `{% generation %}` block: its body renders as is, in a frame of its own.
    case generation(Block)
}
