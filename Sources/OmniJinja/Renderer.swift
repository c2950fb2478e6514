import Foundation

/// How a statement list finished: normally, or by `break` / `continue` inside a loop.
enum ControlFlow {
    case normal, breakLoop, continueLoop
}

/// Executes parsed statements against a context and writes the output.
/// One renderer serves one `render` call and is not shared between threads.
final class Renderer {
    let templateName: String
    let limits: RenderLimits
    let now: Date
    let timeZone: TimeZone
    var steps = 0
    var callDepth = 0
    var scopesToClear: [Scope] = []
    /// Why expressions (by number) came out undefined, for jinja2's error messages.
    var undefinedHints: [Int: String] = [:]

    init(templateName: String, now: Date, timeZone: TimeZone, limits: RenderLimits) {
        self.templateName = templateName
        self.limits = limits
        self.now = now
        self.timeZone = timeZone
    }

    deinit {
        // Macros capture the scope that holds them; break those cycles.
        for scope in scopesToClear { scope.variables.removeAll() }
    }

    func runtimeError(_ message: String, line: Int) -> JinjaError {
        .runtime(name: templateName, line: line, message: message)
    }

    /// Runs `body`, turning helper failures into errors that carry the template line.
    func located<T>(_ line: Int, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as RuntimeFailure {
            throw runtimeError(failure.message, line: line)
        }
    }

    func countStep(_ line: Int) throws {
        steps += 1
        if steps > limits.maximumSteps {
            throw runtimeError("template ran more than \(limits.maximumSteps) steps (RenderLimits.maximumSteps); stopped", line: line)
        }
    }

    func append(_ text: String, to output: inout String, line: Int) throws {
        output += text
        if output.utf8.count > limits.maximumOutputBytes {
            throw runtimeError("output grew beyond \(limits.maximumOutputBytes) bytes (RenderLimits.maximumOutputBytes); stopped", line: line)
        }
    }

    func execute(_ body: [Statement], in scope: Scope, into output: inout String) throws -> ControlFlow {
        for statement in body {
            try countStep(statement.line)
            let flow = try execute(statement, in: scope, into: &output)
            if flow != .normal { return flow }
        }
        return .normal
    }

    func execute(_ statement: Statement, in scope: Scope, into output: inout String) throws -> ControlFlow {
        let line = statement.line
        switch statement.kind {
        case .text(let text):
            try append(text, to: &output, line: line)
        case .output(let expression):
            let value = try evaluate(expression, in: scope)
            try append(try located(line) { try Operators.printable(value) }, to: &output, line: line)
        case let .ifStatement(branches, otherwise):
            for (test, body) in branches where try evaluate(test, in: scope).isTruthy {
                return try execute(body, in: scope, into: &output)
            }
            return try execute(otherwise, in: scope, into: &output)
        case let .forLoop(target, iterable, condition, body, otherwise, _):
            return try executeFor(target: target, iterable: iterable, condition: condition, body: body,
                                  otherwise: otherwise, line: line, in: scope, into: &output)
        case let .set(target, expression):
            let value = try evaluate(expression, in: scope)
            try located(line) { try assign(value, to: target, in: scope) }
            if value == .undefined, case .name(let name) = target {
                scope.undefinedHints[name] = undefinedMessage(expression)
            }
        case let .setBlock(target, filters, body):
            var captured = ""
            _ = try execute(body.statements, in: Scope(parent: scope, frame: body), into: &captured)
            var value = Value.string(captured)
            for filter in filters {
                value = try applyFilter(filter.name, to: value, filter.arguments, line: filter.line, in: scope)
            }
            try located(line) { try assign(value, to: target, in: scope) }
        case let .macro(name, parameters, body):
            scope.variables[name] = makeMacro(name: name, parameters: parameters, body: body, definedIn: scope, caller: nil)
            scopesToClear.append(scope)
        case let .callBlock(call, parameters, body):
            let caller = makeMacro(name: "caller", parameters: parameters, body: body, definedIn: scope, caller: nil)
            let value = try evaluateCall(call, in: scope, extraKeywords: [("caller", caller)])
            try append(try located(line) { try Operators.printable(value) }, to: &output, line: line)
        case let .filterBlock(filters, body):
            var captured = ""
            let inner = Scope(parent: scope, frame: body)
            _ = try execute(body.statements, in: inner, into: &captured)
            var value = Value.string(captured)
            for filter in filters {
                value = try applyFilter(filter.name, to: value, filter.arguments, line: filter.line, in: scope)
            }
            try append(try located(line) { try Operators.printable(value) }, to: &output, line: line)
        case let .with(assignments, body):
            let inner = Scope(parent: scope, frame: body)
            for (target, expression) in assignments {
                let value = try evaluate(expression, in: scope)
                try located(line) { try assign(value, to: target, in: inner) }
            }
            return try execute(body.statements, in: inner, into: &output)
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        case .generation(let body):
            _ = try execute(body.statements, in: Scope(parent: scope, frame: body), into: &output)
        }
        return .normal
    }

    func assign(_ value: Value, to target: AssignTarget, in scope: Scope) throws {
        // Deep values only grow through assignments; cap them so printing, comparing and
        // freeing them cannot exhaust the stack.
        if value.nestsDeeper(than: PythonFormatting.maximumDepth) {
            throw RuntimeFailure("value nested deeper than \(PythonFormatting.maximumDepth) levels")
        }
        switch target {
        case .name(let name):
            scope.variables[name] = value
        case .tuple(let targets):
            let items: [Value]
            do {
                items = try Operators.iterate(value)
            } catch {
                throw RuntimeFailure("cannot unpack non-iterable \(value.typeName) object")
            }
            guard items.count == targets.count else {
                if items.count > targets.count { throw RuntimeFailure("too many values to unpack (expected \(targets.count))") }
                throw RuntimeFailure("not enough values to unpack (expected \(targets.count), got \(items.count))")
            }
            for (item, inner) in zip(items, targets) { try assign(item, to: inner, in: scope) }
        case let .namespaceAttribute(name, attribute):
            guard case .namespace(let namespace)? = scope.lookup(name) else {
                throw RuntimeFailure("cannot assign attribute on non-namespace object")
            }
            try Globals.checkNamespaceName(attribute)
            namespace.attributes[attribute] = value
        }
    }

    func executeFor(target: AssignTarget, iterable: Expression, condition: Expression?, body: Block,
                    otherwise: Block, line: Int, in scope: Scope, into output: inout String) throws -> ControlFlow {
        let source = try evaluate(iterable, in: scope)
        var items = try located(line) { try Operators.iterate(source) }
        if let condition {
            var kept: [Value] = []
            for item in items {
                try countStep(line)
                let probe = Scope(parent: scope)
                try located(line) { try assign(item, to: target, in: probe) }
                if try evaluate(condition, in: probe).isTruthy { kept.append(item) }
            }
            items = kept
        }
        if items.isEmpty {
            _ = try execute(otherwise.statements, in: Scope(parent: scope, frame: otherwise), into: &output)
            return .normal
        }
        let length = items.count
        let needsLoopObject = body.reads.contains("loop")
        for (index, item) in items.enumerated() {
            try countStep(line)
            let iteration = Scope(parent: scope, frame: body)
            try located(line) { try assign(item, to: target, in: iteration) }
            if !needsLoopObject {
                if try execute(body.statements, in: iteration, into: &output) == .breakLoop { break }
                continue
            }
            var loop = OrderedObject([
                ("index", .int(index + 1)), ("index0", .int(index)),
                ("revindex", .int(length - index)), ("revindex0", .int(length - index - 1)),
                ("first", .bool(index == 0)), ("last", .bool(index == length - 1)),
                ("length", .int(length)), ("depth", .int(1)), ("depth0", .int(0)),
            ])
            if index > 0 { loop["previtem"] = items[index - 1] }
            if index + 1 < length { loop["nextitem"] = items[index + 1] }
            loop["cycle"] = .function(JinjaFunction(name: "loop.cycle") { arguments in
                guard !arguments.positional.isEmpty else { throw RuntimeFailure("no items for cycling given") }
                return arguments.positional[index % arguments.positional.count]
            })
            iteration.variables["loop"] = .object(loop)
            let flow = try execute(body.statements, in: iteration, into: &output)
            if flow == .breakLoop { break }
        }
        return .normal
    }

    func makeMacro(name: String, parameters: [MacroParameter], body: Block, definedIn scope: Scope, caller: Value?) -> Value {
        // Weak: a macro stored into a caller's namespace may outlive its render.
        .function(JinjaFunction(name: name) { [weak self] arguments in
            guard let self else { throw RuntimeFailure("macro '\(name)' was called after its template finished rendering") }
            return try self.callMacro(name: name, parameters: parameters, body: body, definedIn: scope, arguments: arguments)
        })
    }

    func callMacro(name: String, parameters: [MacroParameter], body: Block, definedIn scope: Scope, arguments: Arguments) throws -> Value {
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > limits.maximumCallDepth {
            throw RuntimeFailure("macro calls nested deeper than \(limits.maximumCallDepth) (endless recursion?)")
        }
        let inner = Scope(parent: scope, frame: body)
        var varargs: [Value] = []
        for (i, value) in arguments.positional.enumerated() {
            if i < parameters.count { inner.variables[parameters[i].name] = value } else { varargs.append(value) }
        }
        var extraKeywords = OrderedObject()
        let usesCaller = body.reads.contains("caller")
        for (key, value) in arguments.keywords {
            if key == "caller" {
                // jinja2 passes `caller` only to macros that read it.
                guard usesCaller || parameters.contains(where: { $0.name == "caller" }) else {
                    throw RuntimeFailure("macro '\(name)' was invoked with two values for the special caller argument. This is most likely a bug.")
                }
                inner.variables["caller"] = value
                continue
            }
            if let parameterIndex = parameters.firstIndex(where: { $0.name == key }) {
                if parameterIndex < arguments.positional.count {
                    throw RuntimeFailure("macro '\(name)' got multiple values for argument '\(key)'")
                }
                inner.variables[key] = value
            } else {
                extraKeywords[key] = value
            }
        }
        // Extra arguments go to `varargs` and `kwargs` only in macros that read those names.
        if !varargs.isEmpty && !body.reads.contains("varargs") {
            throw RuntimeFailure("macro '\(name)' takes not more than \(parameters.count) argument(s)")
        }
        if let key = extraKeywords.keys.first, !body.reads.contains("kwargs") {
            throw RuntimeFailure("macro '\(name)' takes no keyword argument '\(key)'")
        }
        for parameter in parameters where inner.variables[parameter.name] == nil {
            if let defaultValue = parameter.defaultValue {
                inner.variables[parameter.name] = try evaluate(defaultValue, in: inner)
            } else {
                inner.variables[parameter.name] = .undefined
            }
        }
        inner.variables["varargs"] = .tuple(varargs)
        inner.variables["kwargs"] = .object(extraKeywords)
        var output = ""
        _ = try execute(body.statements, in: inner, into: &output)
        return .string(output)
    }
}
