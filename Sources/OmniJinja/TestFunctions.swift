/// Jinja's built-in tests (`x is defined`, `x is string`, `n is divisibleby 3`, ...).
enum TestFunctions {
    static let names: Set<String> = [
        "boolean", "callable", "defined", "divisibleby", "eq", "equalto", "==", "escaped", "even", "false", "filter",
        "float", "ge", ">=", "gt", "greaterthan", ">", "in", "integer", "iterable", "le", "<=", "lower", "lt", "lessthan",
        "<", "mapping", "ne", "!=", "none", "number", "odd", "sameas", "sequence", "string", "test", "true", "undefined",
        "upper",
    ]

    static func apply(_ name: String, to value: Value, _ args: Arguments, renderer: Renderer) throws -> Bool {
        if names.contains(name) { try Signature.test(name).validate(args, name) }
        let other = args.positional.first ?? .undefined
        switch name {
        case "defined": if case .undefined = value { return false } else { return true }
        case "undefined": if case .undefined = value { return true } else { return false }
        case "none": return value == .none
        case "boolean": if case .bool = value { return true } else { return false }
        case "true": return value == .bool(true)
        case "false": return value == .bool(false)
        case "integer": if case .int = value { return true } else { return false }
        case "float": if case .double = value { return true } else { return false }
        case "number": return Operators.number(value) != nil
        case "string": if case .string = value { return true } else { return false }
        case "mapping": if case .object = value { return true } else { return false }
        case "sequence":
            switch value {
            case .string, .array, .tuple, .object: return true
            default: return false
            }
        case "iterable":
            switch value {
            case .string, .array, .tuple, .object, .undefined, .namespace, .generator: return true
            default: return false
            }
        case "callable":
            // jinja2's Undefined has __call__ (which raises), so Python calls it callable.
            switch value {
            case .function, .undefined: return true
            default: return false
            }
        case "escaped": return false
        case "odd", "even":
            // jinja2 computes `value % 2 == 1` (or `== 0`), with Python's meaning of `%`.
            let remainder = try Operators.binary(.modulo, value, .int(2))
            return Operators.equals(remainder, .int(name == "odd" ? 1 : 0))
        case "divisibleby":
            guard case .int(let i)? = Operators.number(value), case .int(let n)? = Operators.number(other) else {
                throw RuntimeFailure("'divisibleby' test needs integers")
            }
            if n == 0 { throw RuntimeFailure("integer division or modulo by zero") }
            return n == -1 || i % n == 0
        case "eq", "equalto", "==": return Operators.equals(value, other)
        case "ne", "!=": return !Operators.equals(value, other)
        case "lt", "lessthan", "<": return try Operators.less(value, other)
        case "gt", "greaterthan", ">": return try Operators.less(other, value)
        case "le", "<=": return try Operators.compare(.lessOrEqual, value, other)
        case "ge", ">=": return try Operators.compare(.greaterOrEqual, value, other)
        case "in": return try Operators.contains(other, value)
        case "sameas":
            switch (value, other) {
            case (.none, .none), (.undefined, .undefined): return true
            case let (.bool(a), .bool(b)): return a == b
            case let (.namespace(a), .namespace(b)): return a === b
            case let (.function(a), .function(b)): return a === b
            default: return false
            }
        case "lower":
            // jinja2 tests str(value), so lists and numbers work too.
            let s = try PythonFormatting.str(value)
            return s.unicodeScalars.contains { $0.properties.isCased } && s == s.lowercased()
        case "upper":
            let s = try PythonFormatting.str(value)
            return s.unicodeScalars.contains { $0.properties.isCased } && s == s.uppercased()
        case "filter":
            guard case .string(let s) = value else { return false }
            return Filters.names.contains(s)
        case "test":
            guard case .string(let s) = value else { return false }
            return names.contains(s)
        default:
            throw RuntimeFailure("No test named '\(name)'.")
        }
    }
}
