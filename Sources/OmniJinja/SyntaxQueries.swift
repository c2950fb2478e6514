/// Names read and assigned in parsed templates, for jinja2's static scoping and for
/// skipping work (the `loop` object, `caller`, `varargs`, `kwargs`) nobody reads.
enum SyntaxQueries {
    /// What one frame does with names, in jinja2's visiting order (if-branches belong to the
    /// frame; loop, macro, call, filter, with, set-block and generation bodies are frames of
    /// their own, though a loop's iterable and a call's arguments are read by the outer frame).
    struct FrameNames {
        /// Names read or assigned so far.
        var seen = Set<String>()
        /// Names whose first use is an assignment outside `if` branches.
        var undefinedOnEntry: [String] = []
        var insideBranch = false

        mutating func load(_ name: String) { seen.insert(name) }

        mutating func store(_ name: String) {
            if !seen.contains(name) && !insideBranch { undefinedOnEntry.append(name) }
            seen.insert(name)
        }
    }

    static func collectFrame(_ statements: [Statement], into frame: inout FrameNames) {
        func loads(_ e: Expression) {
            var names = Set<String>()
            collectReads(e, into: &names)
            for name in names { frame.load(name) }
        }
        for statement in statements {
            switch statement.kind {
            case .text, .breakLoop, .continueLoop, .generation, .filterBlock: break
            case .output(let e): loads(e)
            case let .ifStatement(branches, otherwise):
                // Assignments inside branches start from the outer value in jinja2 (never undefined).
                let wasInside = frame.insideBranch
                for (test, body) in branches {
                    loads(test)
                    frame.insideBranch = true
                    collectFrame(body, into: &frame)
                    frame.insideBranch = wasInside
                }
                frame.insideBranch = true
                collectFrame(otherwise, into: &frame)
                frame.insideBranch = wasInside
            case let .forLoop(_, iterable, _, _, _, _):
                loads(iterable)
            case let .set(target, e):
                loads(e)
                collectStores(target, into: &frame)
            case let .setBlock(target, _, _):
                collectStores(target, into: &frame)
            case let .macro(name, _, _):
                frame.store(name)
            case let .callBlock(call, _, _):
                loads(call)
            case let .with(assignments, _):
                for (_, e) in assignments { loads(e) }
            }
        }
    }

    static func collectStores(_ target: AssignTarget, into frame: inout FrameNames) {
        switch target {
        case .name(let n): frame.store(n)
        case .tuple(let items): for item in items { collectStores(item, into: &frame) }
        case .namespaceAttribute(let n, _): frame.load(n)
        }
    }

    /// Names a target assigns.
    static func targetNames(_ target: AssignTarget) -> [String] {
        switch target {
        case .name(let n): return [n]
        case .tuple(let items): return items.flatMap(targetNames)
        case .namespaceAttribute: return []
        }
    }

    /// Every name read in `statements`, nested frames included.
    static func collectAllReads(_ statements: [Statement], into names: inout Set<String>) {
        for statement in statements {
            switch statement.kind {
            case .text, .breakLoop, .continueLoop: break
            case .output(let e): collectReads(e, into: &names)
            case let .ifStatement(branches, otherwise):
                for (test, body) in branches {
                    collectReads(test, into: &names)
                    collectAllReads(body, into: &names)
                }
                collectAllReads(otherwise, into: &names)
            case let .forLoop(_, iterable, condition, body, otherwise, _):
                collectReads(iterable, into: &names)
                if let condition { collectReads(condition, into: &names) }
                names.formUnion(body.reads)
                names.formUnion(otherwise.reads)
            case let .set(target, e):
                if case .namespaceAttribute(let n, _) = target { names.insert(n) }
                collectReads(e, into: &names)
            case let .setBlock(target, filters, body):
                if case .namespaceAttribute(let n, _) = target { names.insert(n) }
                for filter in filters { collectReads(filter.arguments, into: &names) }
                names.formUnion(body.reads)
            case let .macro(_, parameters, body):
                for parameter in parameters { if let d = parameter.defaultValue { collectReads(d, into: &names) } }
                names.formUnion(body.reads)
            case let .callBlock(call, parameters, body):
                collectReads(call, into: &names)
                for parameter in parameters { if let d = parameter.defaultValue { collectReads(d, into: &names) } }
                names.formUnion(body.reads)
            case let .filterBlock(filters, body):
                for filter in filters { collectReads(filter.arguments, into: &names) }
                names.formUnion(body.reads)
            case let .with(assignments, body):
                for (_, e) in assignments { collectReads(e, into: &names) }
                names.formUnion(body.reads)
            case .generation(let body):
                names.formUnion(body.reads)
            }
        }
    }

    static func collectReads(_ arguments: CallArguments, into names: inout Set<String>) {
        for e in arguments.positional { collectReads(e, into: &names) }
        for (_, e) in arguments.keywords { collectReads(e, into: &names) }
        if let e = arguments.starArguments { collectReads(e, into: &names) }
        if let e = arguments.starKeywords { collectReads(e, into: &names) }
    }

    static func collectReads(_ expression: Expression, into names: inout Set<String>) {
        switch expression.kind {
        case .literal: break
        case .name(let n): names.insert(n)
        case .list(let items), .tuple(let items), .concat(let items):
            for item in items { collectReads(item, into: &names) }
        case .dictionary(let pairs):
            for (k, v) in pairs { collectReads(k, into: &names); collectReads(v, into: &names) }
        case let .attribute(e, _), let .not(e), let .negate(e), let .plus(e):
            collectReads(e, into: &names)
        case let .item(a, b), let .binary(_, a, b), let .and(a, b), let .or(a, b):
            collectReads(a, into: &names)
            collectReads(b, into: &names)
        case let .slice(e, start, stop, step):
            collectReads(e, into: &names)
            for bound in [start, stop, step] { if let bound { collectReads(bound, into: &names) } }
        case let .call(e, arguments), let .filter(e, _, arguments), let .test(e, _, arguments, _):
            collectReads(e, into: &names)
            collectReads(arguments, into: &names)
        case let .compare(first, rest):
            collectReads(first, into: &names)
            for (_, e) in rest { collectReads(e, into: &names) }
        case let .conditional(test, then, otherwise):
            collectReads(test, into: &names)
            collectReads(then, into: &names)
            if let otherwise { collectReads(otherwise, into: &names) }
        }
    }
}
