import Foundation

/// Python semantics for printing, iterating, arithmetic and comparisons of values.
enum Operators {
    static let maximumRepeat = 16 << 20

    /// What `{{ value }}` writes.
    static func printable(_ value: Value) throws -> String {
        try PythonFormatting.str(value)
    }

    /// The items a `for` loop visits: list items, dict keys, string characters; undefined is empty.
    static func iterate(_ value: Value) throws -> [Value] {
        switch value {
        case .array(let items), .tuple(let items), .generator(let items): return items
        case .object(let object): return object.keys.map { .string($0) }
        case .string(let s): return s.unicodeScalars.map { .string(String($0)) }
        case .undefined: return []
        case .namespace(let ns): return ns.attributes.keys.map { .string($0) }
        default: throw RuntimeFailure("'\(value.typeName)' object is not iterable")
        }
    }

    /// A number view of ints, floats and bools (bool is an int in Python).
    enum Number { case int(Int), double(Double) }

    static func number(_ value: Value) -> Number? {
        switch value {
        case .int(let i): return .int(i)
        case .bool(let b): return .int(b ? 1 : 0)
        case .double(let d): return .double(d)
        default: return nil
        }
    }

    static func asDouble(_ n: Number) -> Double {
        switch n {
        case .int(let i): return Double(i)
        case .double(let d): return d
        }
    }

    static func undefinedOperand(_ a: Value, _ b: Value) -> RuntimeFailure? {
        if case .undefined = a { return RuntimeFailure("an undefined value was used in an operation") }
        if case .undefined = b { return RuntimeFailure("an undefined value was used in an operation") }
        return nil
    }

    static func unsupported(_ symbol: String, _ a: Value, _ b: Value) -> RuntimeFailure {
        if let failure = undefinedOperand(a, b) { return failure }
        return RuntimeFailure("unsupported operand type(s) for \(symbol): '\(a.typeName)' and '\(b.typeName)'")
    }

    static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value {
        if let x = number(a), let y = number(b) { return try arithmetic(op, x, y) }
        switch (op, a, b) {
        case let (.add, .string(x), .string(y)): return .string(x + y)
        case (.add, .string, _):
            throw RuntimeFailure("can only concatenate str (not \"\(b.typeName)\") to str")
        case let (.add, .array(x), .array(y)): return .array(x + y)
        case let (.add, .tuple(x), .tuple(y)): return .tuple(x + y)
        case (.add, .tuple, _):
            throw RuntimeFailure("can only concatenate tuple (not \"\(b.typeName)\") to tuple")
        case (.add, .array, _):
            throw RuntimeFailure("can only concatenate list (not \"\(b.typeName)\") to list")
        case (.multiply, .string, _), (.multiply, .array, _), (.multiply, _, .string), (.multiply, _, .array),
             (.multiply, .tuple, _), (.multiply, _, .tuple):
            return try repeatSequence(a, b)
        case (.modulo, .string(let format), _):
            return .string(try PercentFormat.format(format, b))
        default:
            throw unsupported(op.rawValue, a, b)
        }
    }

    static func repeatSequence(_ a: Value, _ b: Value) throws -> Value {
        let (sequence, countValue) = (number(a) == nil) ? (a, b) : (b, a)
        guard case .int(let count)? = number(countValue) else {
            throw RuntimeFailure("can't multiply sequence by non-int of type '\(countValue.typeName)'")
        }
        let times = max(0, count)
        switch sequence {
        case .string(let s):
            if s.utf8.count * times > maximumRepeat { throw RuntimeFailure("string repetition result is too large") }
            return .string(String(repeating: s, count: times))
        case .array(let items):
            if items.count * times > maximumRepeat { throw RuntimeFailure("list repetition result is too large") }
            return .array(Array([[Value]](repeating: items, count: times).joined()))
        case .tuple(let items):
            if items.count * times > maximumRepeat { throw RuntimeFailure("tuple repetition result is too large") }
            return .tuple(Array([[Value]](repeating: items, count: times).joined()))
        default:
            throw unsupported("*", a, b)
        }
    }

    static func arithmetic(_ op: BinaryOperator, _ x: Number, _ y: Number) throws -> Value {
        if case .int(let i) = x, case .int(let j) = y {
            switch op {
            case .add: return try checked(i.addingReportingOverflow(j))
            case .subtract: return try checked(i.subtractingReportingOverflow(j))
            case .multiply: return try checked(i.multipliedReportingOverflow(by: j))
            case .divide:
                if j == 0 { throw RuntimeFailure("division by zero") }
                return .double(Double(i) / Double(j))
            case .floorDivide:
                if j == 0 { throw RuntimeFailure("integer division or modulo by zero") }
                if i == Int.min && j == -1 { throw RuntimeFailure("integer overflow") }
                let q = i / j
                return .int((i % j != 0 && (i < 0) != (j < 0)) ? q - 1 : q)
            case .modulo:
                if j == 0 { throw RuntimeFailure("integer division or modulo by zero") }
                if j == -1 { return .int(0) }
                let r = i % j
                return .int((r != 0 && (r < 0) != (j < 0)) ? r + j : r)
            case .power:
                if j < 0 { return .double(pow(Double(i), Double(j))) }
                var result = 1, base = i, exponent = j
                while exponent > 0 {
                    if exponent & 1 == 1 { result = try checkedInt(result.multipliedReportingOverflow(by: base)) }
                    exponent >>= 1
                    if exponent > 0 { base = try checkedInt(base.multipliedReportingOverflow(by: base)) }
                }
                return .int(result)
            }
        }
        let a = asDouble(x), b = asDouble(y)
        switch op {
        case .add: return .double(a + b)
        case .subtract: return .double(a - b)
        case .multiply: return .double(a * b)
        case .divide:
            if b == 0 { throw RuntimeFailure("float division by zero") }
            return .double(a / b)
        case .floorDivide:
            if b == 0 { throw RuntimeFailure("float floor division by zero") }
            return .double((a / b).rounded(.down))
        case .modulo:
            if b == 0 { throw RuntimeFailure("float modulo") }
            var r = fmod(a, b)
            if r != 0 && (r < 0) != (b < 0) { r += b }
            return .double(r)
        case .power:
            return .double(pow(a, b))
        }
    }

    static func checked(_ result: (partialValue: Int, overflow: Bool)) throws -> Value {
        .int(try checkedInt(result))
    }

    static func checkedInt(_ result: (partialValue: Int, overflow: Bool)) throws -> Int {
        if result.overflow { throw RuntimeFailure("integer overflow (values beyond 64 bits are not supported)") }
        return result.partialValue
    }

    static func negate(_ value: Value) throws -> Value {
        switch number(value) {
        case .int(let i)?:
            if i == Int.min { throw RuntimeFailure("integer overflow") }
            return .int(-i)
        case .double(let d)?: return .double(-d)
        case nil: throw RuntimeFailure("bad operand type for unary -: '\(value.typeName)'")
        }
    }

    static func unaryPlus(_ value: Value) throws -> Value {
        switch number(value) {
        case .int(let i)?: return .int(i)
        case .double(let d)?: return .double(d)
        case nil: throw RuntimeFailure("bad operand type for unary +: '\(value.typeName)'")
        }
    }

    /// Python `==`; values nested deeper than `PythonFormatting.maximumDepth` compare unequal.
    static func equals(_ a: Value, _ b: Value, depth: Int = 0) -> Bool {
        if depth > PythonFormatting.maximumDepth { return false }
        if let x = number(a), let y = number(b) {
            if case .int(let i) = x, case .int(let j) = y { return i == j }
            return asDouble(x) == asDouble(y)
        }
        switch (a, b) {
        case (.undefined, .undefined), (.none, .none): return true
        case let (.string(x), .string(y)): return x.unicodeScalars.elementsEqual(y.unicodeScalars)
        case let (.array(x), .array(y)), let (.tuple(x), .tuple(y)):
            return x.count == y.count && zip(x, y).allSatisfy { equals($0, $1, depth: depth + 1) }
        case let (.object(x), .object(y)):
            return x.count == y.count && x.pairs.allSatisfy { pair in y[pair.key].map { equals(pair.value, $0, depth: depth + 1) } ?? false }
        case let (.namespace(x), .namespace(y)): return x === y
        case let (.function(x), .function(y)): return x === y
        default: return false
        }
    }

    /// Python ordering (`<`); throws where Python raises `TypeError`.
    static func less(_ a: Value, _ b: Value, depth: Int = 0) throws -> Bool {
        if depth > PythonFormatting.maximumDepth { throw RuntimeFailure("values nested too deeply to compare") }
        if let x = number(a), let y = number(b) {
            if case .int(let i) = x, case .int(let j) = y { return i < j }
            return asDouble(x) < asDouble(y)
        }
        switch (a, b) {
        case let (.string(x), .string(y)): return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
        case let (.array(x), .array(y)), let (.tuple(x), .tuple(y)):
            for (p, q) in zip(x, y) where !equals(p, q) { return try less(p, q, depth: depth + 1) }
            return x.count < y.count
        default:
            if let failure = undefinedOperand(a, b) { throw failure }
            throw RuntimeFailure("'<' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
        }
    }

    static func contains(_ container: Value, _ item: Value) throws -> Bool {
        switch container {
        case .string(let s):
            guard case .string(let needle) = item else {
                throw RuntimeFailure("'in <string>' requires string as left operand, not \(item.typeName)")
            }
            return needle.isEmpty || PyString.find(Array(s.unicodeScalars), Array(needle.unicodeScalars)) != nil
        case .array(let items), .tuple(let items), .generator(let items): return items.contains { equals($0, item) }
        case .object(let object):
            guard case .string(let key) = item else { return false }
            return object[key] != nil
        case .namespace(let ns):
            guard case .string(let key) = item else { return false }
            return ns.attributes[key] != nil
        case .undefined: return false
        default: throw RuntimeFailure("argument of type '\(container.typeName)' is not iterable")
        }
    }

    static func compare(_ op: ComparisonOperator, _ a: Value, _ b: Value) throws -> Bool {
        switch op {
        case .equal: return equals(a, b)
        case .notEqual: return !equals(a, b)
        case .less: return try less(a, b)
        case .greater: return try less(b, a)
        case .lessOrEqual: return try less(a, b) || equals(a, b)
        case .greaterOrEqual: return try less(b, a) || equals(a, b)
        case .contains: return try contains(b, a)
        case .notContains: return !(try contains(b, a))
        }
    }

    /// Python slicing of lists and strings, `value[start:stop:step]`.
    static func slice(_ value: Value, start: Value, stop: Value, step: Value) throws -> Value {
        func bound(_ v: Value) throws -> Int? {
            switch v {
            case .none: return nil
            case .int(let i): return i
            case .bool(let b): return b ? 1 : 0
            default: throw RuntimeFailure("slice indices must be integers or None, not \(v.typeName)")
            }
        }
        let stepValue = try bound(step) ?? 1
        if stepValue == 0 { throw RuntimeFailure("slice step cannot be zero") }
        func indices(count: Int) throws -> [Int] {
            func clamp(_ i: Int?, _ defaultValue: Int, low: Int, high: Int) -> Int {
                guard var i else { return defaultValue }
                if i < 0 { i += count }
                return min(max(i, low), high)
            }
            var result: [Int] = []
            if stepValue > 0 {
                var i = clamp(try bound(start), 0, low: 0, high: count)
                let end = clamp(try bound(stop), count, low: 0, high: count)
                while i < end { result.append(i); i += stepValue }
            } else {
                var i = clamp(try bound(start), count - 1, low: -1, high: count - 1)
                let end = clamp(try bound(stop), -1, low: -1, high: count - 1)
                while i > end { result.append(i); i += stepValue }
            }
            return result
        }
        switch value {
        case .array(let items):
            return .array(try indices(count: items.count).map { items[$0] })
        case .tuple(let items):
            return .tuple(try indices(count: items.count).map { items[$0] })
        case .string(let s):
            let scalars = Array(s.unicodeScalars)
            var view = String.UnicodeScalarView()
            for i in try indices(count: scalars.count) { view.append(scalars[i]) }
            return .string(String(view))
        case .undefined:
            throw RuntimeFailure("cannot slice an undefined value")
        case .object:
            throw RuntimeFailure("unhashable type: 'slice'")
        default:
            // jinja2 compiles slices to plain Python subscripts, so this is Python's TypeError.
            throw RuntimeFailure("'\(value.typeName)' object is not subscriptable")
        }
    }
}
