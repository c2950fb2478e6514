import Foundation

/// Jinja's built-in filters, with transformers' `tojson` in place of Jinja's own.
enum Filters {
    static let names: Set<String> = [
        "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape", "first",
        "float", "forceescape", "format", "indent", "int", "items", "join", "last", "length", "list", "lower", "map",
        "max", "min", "pprint", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr",
        "sort", "string", "sum", "title", "tojson", "trim", "truncate", "unique", "upper", "wordcount",
    ]

    static func apply(_ name: String, to value: Value, _ args: Arguments, renderer: Renderer) throws -> Value {
        try Signature.filters[name]?.validate(args, name)
        switch name {
        case "abs":
            switch Operators.number(value) {
            case .int(let i)?:
                if i == Int.min { throw RuntimeFailure("integer overflow") }
                return .int(abs(i))
            case .double(let d)?: return .double(abs(d))
            case nil: throw RuntimeFailure("bad operand type for abs(): '\(value.typeName)'")
            }
        case "attr":
            guard case .string(let attribute)? = args.value(0, "name") else { return .undefined }
            if case .object(let o) = value { return Methods.method(of: value, named: attribute) ?? o[attribute] ?? .undefined }
            if case .namespace(let ns) = value { return ns.attributes[attribute] ?? .undefined }
            return Methods.method(of: value, named: attribute) ?? .undefined
        case "batch": return try batch(value, args)
        case "capitalize": return .string(PyString.capitalize(try PythonFormatting.str(value)))
        case "center":
            let width = try Methods.int(args, 0, "width", default: 80)
            return .string(PyString.center(try PythonFormatting.str(value), width: width))
        case "count", "length": return .int(try length(value))
        case "d", "default":
            let fallback = args.value(0, "default_value") ?? .string("")
            let boolean = args.value(1, "boolean")?.isTruthy ?? false
            if case .undefined = value { return fallback }
            if boolean && !value.isTruthy { return fallback }
            return value
        case "dictsort": return try dictsort(value, args)
        case "e", "escape", "forceescape": return .string(htmlEscape(try PythonFormatting.str(value)))
        case "first":
            if case .undefined = value { return .undefined }
            return try Operators.iterate(value).first ?? .undefined
        case "last":
            switch value {
            case .undefined: return .undefined
            case .generator: throw RuntimeFailure("'generator' object is not reversible")
            default: return try Operators.iterate(value).last ?? .undefined
            }
        case "float": return toFloat(value, fallback: args.value(0, "default") ?? .double(0))
        case "format":
            guard case .string(let format) = value else { return .string(try PythonFormatting.str(value)) }
            if !args.keywords.isEmpty { return .string(try PercentFormat.format(format, .object(OrderedObject(args.keywords)))) }
            return .string(try PercentFormat.format(format, .tuple(args.positional)))
        case "indent": return try indent(value, args)
        case "int": return try toInt(value, fallback: args.value(0, "default") ?? .int(0), base: try Methods.int(args, 1, "base", default: 10))
        case "items":
            switch value {
            case .undefined: return .generator([])
            case .object(let o): return .generator(o.pairs.map { .tuple([.string($0.key), $0.value]) })
            default: throw RuntimeFailure("Can only get item pairs from a mapping.")
            }
        case "join": return try join(value, args)
        case "list": return .array(try Operators.iterate(value))
        case "lower": return .string(try PythonFormatting.str(value).lowercased())
        case "upper": return .string(try PythonFormatting.str(value).uppercased())
        case "map": return try map(value, args, renderer: renderer)
        case "max", "min": return try extreme(value, args, largest: name == "max")
        case "pprint": return .string(try PythonFormatting.repr(value))
        case "select", "reject", "selectattr", "rejectattr": return try select(name, value, args, renderer: renderer)
        case "replace":
            let text = try PythonFormatting.str(value)
            guard let old = args.value(0, "old"), let new = args.value(1, "new") else {
                throw RuntimeFailure("replace filter needs 'old' and 'new' arguments")
            }
            let count = args.value(2, "count").flatMap { if case .int(let i) = $0 { return i } else { return nil } } ?? -1
            return .string(PyString.replace(text, try PythonFormatting.str(old), try PythonFormatting.str(new), count: count))
        case "reverse":
            switch value {
            case .string(let s): return .string(PyString.string(s.unicodeScalars.reversed()))
            // jinja2 falls back to a reversed list for what `reversed()` refuses.
            case .generator(let items): return .array(items.reversed())
            default: return .generator(try Operators.iterate(value).reversed())
            }
        case "round": return try round(value, args)
        case "safe", "string": return .string(try PythonFormatting.str(value))
        case "sort": return try sort(value, args)
        case "sum":
            let attribute = args.value(0, "attribute")
            var total = args.value(1, "start") ?? .int(0)
            for item in try Operators.iterate(value) {
                let addend = try attribute.map { try lookupPath(item, $0) } ?? item
                total = try Operators.binary(.add, total, addend)
            }
            return total
        case "title": return .string(titleFilter(try PythonFormatting.str(value)))
        case "tojson": return .string(try tojson(value, args))
        case "trim":
            var chars: String?
            switch args.value(0, "chars") {
            case .string(let s)?: chars = s
            case .none?, nil: chars = nil
            default: throw RuntimeFailure("strip arg must be None or str")
            }
            return .string(PyString.strip(try PythonFormatting.str(value), chars, leading: true, trailing: true))
        case "truncate": return try truncate(value, args)
        case "unique": return try unique(value, args)
        case "wordcount":
            let words = try PythonFormatting.str(value).unicodeScalars.split { !isWordCharacter($0) }
            return .int(words.count)
        default:
            throw RuntimeFailure("No filter named '\(name)' found.")
        }
    }

    static func isWordCharacter(_ s: Unicode.Scalar) -> Bool {
        s == "_" || s.properties.isAlphabetic || s.properties.numericType != nil
    }

    static func length(_ value: Value) throws -> Int {
        switch value {
        case .undefined: return 0
        case .string(let s): return s.unicodeScalars.count
        case .array(let a), .tuple(let a): return a.count
        case .generator: throw RuntimeFailure("object of type 'generator' has no len()")
        case .object(let o): return o.count
        default: throw RuntimeFailure("object of type '\(value.typeName)' has no len()")
        }
    }

    static func htmlEscape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Looks up a dotted path (`"a.b.0"`) the way Jinja's attribute getters do: item first, then attribute.
    static func lookupPath(_ value: Value, _ path: Value) throws -> Value {
        let parts: [Value]
        switch path {
        case .string(let s): parts = s.split(separator: ".", omittingEmptySubsequences: false).map { Int($0).map(Value.int) ?? .string(String($0)) }
        default: parts = [path]
        }
        var current = value
        for part in parts {
            if case .undefined = current { return .undefined }
            current = try Attributes.item(of: current, key: part, subject: Expression(kind: .name("item"), line: 0))
        }
        return current
    }

    static func tojson(_ value: Value, _ args: Arguments) throws -> String {
        var indent: String?
        switch args.value(1, "indent") {
        case .int(let n)?: indent = String(repeating: " ", count: max(0, n))
        case .string(let s)?: indent = s
        case .none?, nil: indent = nil
        case let other?: throw RuntimeFailure("tojson: indent must be an int or a string, not \(other.typeName)")
        }
        var separators: (String, String)?
        if let given = args.value(2, "separators"), given != .none {
            guard let pair = given.sequenceItems, pair.count == 2, case .string(let item) = pair[0], case .string(let key) = pair[1] else {
                throw RuntimeFailure("tojson: separators must be a pair of strings")
            }
            separators = (item, key)
        }
        let dumper = JSONDumper(ensureASCII: args.value(0, "ensure_ascii")?.isTruthy ?? false, indent: indent,
                                separators: separators, sortKeys: args.value(3, "sort_keys")?.isTruthy ?? false)
        return try dumper.dumps(value)
    }

    static func toInt(_ value: Value, fallback: Value, base: Int) throws -> Value {
        switch value {
        case .int(let i): return .int(i)
        case .bool(let b): return .int(b ? 1 : 0)
        case .double(let d):
            guard d.isFinite, abs(d) < 9.2e18 else { return fallback }
            return .int(Int(d.rounded(.towardZero)))
        case .string(let s):
            let text = PyString.strip(s, nil, leading: true, trailing: true).replacingOccurrences(of: "_", with: "")
            if let i = Int(text, radix: base) { return .int(i) }
            if base == 16 || base == 8 || base == 2, text.count > 2, let i = Int(text.dropFirst(2), radix: base) { return .int(i) }
            if let d = Double(text), d.isFinite, abs(d) < 9.2e18 { return .int(Int(d.rounded(.towardZero))) }
            return fallback
        default: return fallback
        }
    }

    static func toFloat(_ value: Value, fallback: Value) -> Value {
        switch value {
        case .int(let i): return .double(Double(i))
        case .bool(let b): return .double(b ? 1 : 0)
        case .double: return value
        case .string(let s):
            let text = PyString.strip(s, nil, leading: true, trailing: true).lowercased()
            switch text {
            case "inf", "+inf", "infinity", "+infinity": return .double(.infinity)
            case "-inf", "-infinity": return .double(-.infinity)
            case "nan", "+nan", "-nan": return .double(.nan)
            default: return Double(text.replacingOccurrences(of: "_", with: "")).map(Value.double) ?? fallback
            }
        default: return fallback
        }
    }

    static func join(_ value: Value, _ args: Arguments) throws -> Value {
        let separator = try PythonFormatting.str(args.value(0, "d") ?? .string(""))
        var items = try Operators.iterate(value)
        if let attribute = args.value(1, "attribute") { items = try items.map { try lookupPath($0, attribute) } }
        return .string(try items.map { try PythonFormatting.str($0) }.joined(separator: separator))
    }

    static func indent(_ value: Value, _ args: Arguments) throws -> Value {
        guard case .string(var text) = value else {
            throw RuntimeFailure("indent needs a string, got \(value.typeName)")
        }
        let indention: String
        switch args.value(0, "width") {
        case .string(let s)?: indention = s
        case let width?:
            guard case .int(let n)? = Operators.number(width) else { throw RuntimeFailure("indent width must be an int or a string") }
            indention = String(repeating: " ", count: max(0, n))
        case nil: indention = "    "
        }
        let first = args.value(1, "first")?.isTruthy ?? false
        let blank = args.value(2, "blank")?.isTruthy ?? false
        text += "\n"
        var lines = PyString.splitLines(text, keepEnds: false)
        var result: String
        if blank {
            result = lines.joined(separator: "\n" + indention)
        } else {
            result = lines.isEmpty ? "" : lines.removeFirst()
            if !lines.isEmpty {
                result += "\n" + lines.map { $0.isEmpty ? $0 : indention + $0 }.joined(separator: "\n")
            }
        }
        if first { result = indention + result }
        return .string(result)
    }

    static func round(_ value: Value, _ args: Arguments) throws -> Value {
        let precision = try Methods.int(args, 0, "precision", default: 0)
        let method: String
        switch args.value(1, "method") {
        case .string(let m)?: method = m
        default: method = "common"
        }
        guard let number = Operators.number(value) else { throw RuntimeFailure("round needs a number, got \(value.typeName)") }
        let scale = pow(10.0, Double(precision))
        switch method {
        case "common":
            if case .int(let i) = number { return .int(i) }
            let d = Operators.asDouble(number)
            return .double((d * scale).rounded(.toNearestOrEven) / scale)
        case "ceil": return .double((Operators.asDouble(number) * scale).rounded(.up) / scale)
        case "floor": return .double((Operators.asDouble(number) * scale).rounded(.down) / scale)
        default: throw RuntimeFailure("method must be 'common', 'ceil' or 'floor'")
        }
    }

    static func truncate(_ value: Value, _ args: Arguments) throws -> Value {
        if case .string = value {} else { _ = try Filters.length(value) }  // Python takes len(s) first
        let text = try PythonFormatting.str(value)
        let length = try Methods.int(args, 0, "length", default: 255)
        let killWords = args.value(1, "killwords")?.isTruthy ?? false
        let end = try PythonFormatting.str(args.value(2, "end") ?? .string("..."))
        let leeway = try Methods.int(args, 3, "leeway", default: 5)
        let scalars = Array(text.unicodeScalars)
        let endCount = end.unicodeScalars.count
        if length < endCount { throw RuntimeFailure("expected length >= \(endCount), got \(length)") }
        if scalars.count <= length + leeway { return .string(text) }
        let cut = PyString.string(scalars.prefix(max(0, length - endCount)))
        if killWords { return .string(cut + end) }
        var words = Array(cut.unicodeScalars)
        if let space = words.lastIndex(of: " ") { words = Array(words[..<space]) }
        return .string(PyString.string(words) + end)
    }

    /// Jinja's `title`: each word (split at spaces, dashes and opening brackets) gets an upper-case first letter.
    static func titleFilter(_ s: String) -> String {
        var out = ""
        var atWordStart = true
        for c in s.unicodeScalars {
            if PythonCharacters.isSpace(c) || "-({[<".unicodeScalars.contains(c) {
                out.unicodeScalars.append(c)
                atWordStart = true
            } else if atWordStart {
                out += String(c).uppercased()
                atWordStart = false
            } else {
                out += String(c).lowercased()
            }
        }
        return out
    }

}
