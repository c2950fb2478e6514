/// Python methods that templates call on strings, dicts and lists, bound to their receiver.
/// Methods that change a list or dict are refused, as in jinja2's immutable sandbox.
enum Methods {
    static let unsafeListMethods: Set<String> = ["append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear"]
    static let unsafeDictMethods: Set<String> = ["pop", "popitem", "setdefault", "update", "clear"]

    static func method(of value: Value, named name: String) -> Value? {
        let body: ((Arguments) throws -> Value)?
        switch value {
        case .string(let s): body = stringMethod(s, name)
        case .object(let o):
            if unsafeDictMethods.contains(name) { body = unsafe(name, "dict") } else { body = dictMethod(o, name) }
        case .tuple(let a): body = listMethod(a, name).flatMap { name == "copy" ? nil : $0 }
        case .array(let a):
            if unsafeListMethods.contains(name) { body = unsafe(name, "list") } else { body = listMethod(a, name) }
        default: body = nil
        }
        guard let body else { return nil }
        let signature: Signature?
        switch value {
        case .string: signature = Signature.stringMethods[name]
        case .object: signature = Signature.dictMethods[name]
        case .array, .tuple: signature = Signature.listMethods[name]
        default: signature = nil
        }
        return .function(JinjaFunction(name: name) { arguments in
            try signature?.validate(arguments, "\(value.typeName).\(name)")
            return try body(arguments)
        })
    }

    static func unsafe(_ name: String, _ type: String) -> (Arguments) throws -> Value {
        { _ in throw RuntimeFailure("access to attribute '\(name)' of '\(type)' object is unsafe.") }
    }

    static func string(_ arguments: Arguments, _ index: Int, _ name: String, method: String) throws -> String? {
        guard let value = arguments.value(index, name) else { return nil }
        switch value {
        case .none: return nil
        case .string(let s): return s
        default: throw RuntimeFailure("\(method)() argument must be str or None, not \(value.typeName)")
        }
    }

    static func int(_ arguments: Arguments, _ index: Int, _ name: String, default defaultValue: Int) throws -> Int {
        guard let value = arguments.value(index, name) else { return defaultValue }
        guard case .int(let i)? = Operators.number(value) else {
            throw RuntimeFailure("'\(value.typeName)' object cannot be interpreted as an integer")
        }
        return i
    }

    static func affixes(_ arguments: Arguments, method: String) throws -> [String] {
        switch arguments.positional.first {
        case .string(let s)?: return [s]
        case .tuple(let items)?:
            return try items.map {
                guard case .string(let s) = $0 else { throw RuntimeFailure("tuple for \(method) must only contain str") }
                return s
            }
        default: throw RuntimeFailure("\(method) first arg must be str or a tuple of str")
        }
    }

    static func stringMethod(_ s: String, _ name: String) -> ((Arguments) throws -> Value)? {
        switch name {
        case "strip", "lstrip", "rstrip":
            return { args in
                let chars = try string(args, 0, "chars", method: name)
                return .string(PyString.strip(s, chars, leading: name != "rstrip", trailing: name != "lstrip"))
            }
        case "split", "rsplit":
            return { args in
                let sep = try string(args, 0, "sep", method: name)
                let maxSplit = try int(args, 1, "maxsplit", default: -1)
                let parts = name == "split" ? try PyString.split(s, sep, maxSplit: maxSplit) : try PyString.rsplit(s, sep, maxSplit: maxSplit)
                return .array(parts.map { .string($0) })
            }
        case "splitlines":
            return { args in
                let keep = args.value(0, "keepends")?.isTruthy ?? false
                return .array(PyString.splitLines(s, keepEnds: keep).map { .string($0) })
            }
        case "startswith", "endswith":
            return { args in
                let scalars = Array(s.unicodeScalars)
                let candidates = try affixes(args, method: name)
                return .bool(candidates.contains { candidate in
                    let c = Array(candidate.unicodeScalars)
                    return name == "startswith" ? scalars.starts(with: c) : scalars.reversed().starts(with: c.reversed())
                })
            }
        case "replace":
            return { args in
                guard let old = try string(args, 0, "old", method: name), let new = try string(args, 1, "new", method: name) else {
                    throw RuntimeFailure("replace() needs two string arguments")
                }
                return .string(PyString.replace(s, old, new, count: try int(args, 2, "count", default: -1)))
            }
        case "upper": return { _ in .string(s.uppercased()) }
        case "lower": return { _ in .string(s.lowercased()) }
        case "casefold": return { _ in .string(s.lowercased()) }
        case "title": return { _ in .string(PyString.title(s)) }
        case "capitalize": return { _ in .string(PyString.capitalize(s)) }
        case "swapcase":
            return { _ in .string(s.unicodeScalars.map { $0.properties.isUppercase ? String($0).lowercased() : String($0).uppercased() }.joined()) }
        case "find", "rfind", "index", "rindex", "count":
            return { args in
                guard let needle = try string(args, 0, "sub", method: name) else { throw RuntimeFailure("\(name)() needs a string") }
                let h = Array(s.unicodeScalars), n = Array(needle.unicodeScalars)
                if name == "count" {
                    if n.isEmpty { return .int(h.count + 1) }
                    var total = 0, from = 0
                    while let i = PyString.find(h, n, from: from) { total += 1; from = i + n.count }
                    return .int(total)
                }
                let found = name.hasPrefix("r") ? PyString.rfind(h, n) : PyString.find(h, n)
                if found == nil && name.hasSuffix("index") { throw RuntimeFailure("substring not found") }
                return .int(found ?? -1)
            }
        case "join":
            return { args in
                let items = try Operators.iterate(args.positional.first ?? .array([]))
                return .string(try items.map {
                    guard case .string(let t) = $0 else { throw RuntimeFailure("sequence item: expected str instance, \($0.typeName) found") }
                    return t
                }.joined(separator: s))
            }
        case "center", "ljust", "rjust":
            return { args in
                let width = try int(args, 0, "width", default: 0)
                let fill = try string(args, 1, "fillchar", method: name) ?? " "
                if fill.unicodeScalars.count != 1 { throw RuntimeFailure("The fill character must be exactly one character long") }
                let pad = max(0, width - s.unicodeScalars.count)
                switch name {
                case "center": return .string(PyString.center(s, width: width, fill: fill))
                case "ljust": return .string(s + String(repeating: fill, count: pad))
                default: return .string(String(repeating: fill, count: pad) + s)
                }
            }
        case "zfill":
            return { args in
                let width = try int(args, 0, "width", default: 0)
                let pad = max(0, width - s.unicodeScalars.count)
                if let first = s.first, first == "-" || first == "+" {
                    return .string(String(first) + String(repeating: "0", count: pad) + s.dropFirst())
                }
                return .string(String(repeating: "0", count: pad) + s)
            }
        case "removeprefix", "removesuffix":
            return { args in
                guard let affix = try string(args, 0, "affix", method: name) else { return .string(s) }
                let scalars = Array(s.unicodeScalars), a = Array(affix.unicodeScalars)
                if name == "removeprefix", scalars.starts(with: a) { return .string(PyString.string(scalars.dropFirst(a.count))) }
                if name == "removesuffix", !a.isEmpty, scalars.reversed().starts(with: a.reversed()) {
                    return .string(PyString.string(scalars.dropLast(a.count)))
                }
                return .string(s)
            }
        case "partition", "rpartition":
            return { args in
                guard let sep = try string(args, 0, "sep", method: name), !sep.isEmpty else { throw RuntimeFailure("empty separator") }
                let h = Array(s.unicodeScalars), n = Array(sep.unicodeScalars)
                guard let i = name == "partition" ? PyString.find(h, n) : PyString.rfind(h, n) else {
                    return name == "partition" ? .tuple([.string(s), "", ""]) : .tuple(["", "", .string(s)])
                }
                return .tuple([.string(PyString.string(h[..<i])), .string(sep), .string(PyString.string(h[(i + n.count)...]))])
            }
        case "isdigit", "isnumeric", "isdecimal":
            return { _ in .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.numericType != nil }) }
        case "isalpha": return { _ in .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic }) }
        case "isalnum":
            return { _ in .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil }) }
        case "isspace": return { _ in .bool(!s.isEmpty && s.unicodeScalars.allSatisfy(PythonCharacters.isSpace)) }
        case "isupper":
            return { _ in .bool(s.unicodeScalars.contains { $0.properties.isCased } && s == s.uppercased()) }
        case "islower":
            return { _ in .bool(s.unicodeScalars.contains { $0.properties.isCased } && s == s.lowercased()) }
        case "format":
            return { args in .string(try BraceFormat.format(s, args)) }
        default:
            return nil
        }
    }

    static func dictMethod(_ o: OrderedObject, _ name: String) -> ((Arguments) throws -> Value)? {
        switch name {
        case "items": return { _ in .array(o.pairs.map { .tuple([.string($0.key), $0.value]) }) }
        case "keys": return { _ in .array(o.keys.map { .string($0) }) }
        case "values": return { _ in .array(o.values) }
        case "get":
            return { args in
                guard case .string(let key)? = args.value(0, "key") else { return args.value(1, "default") ?? .none }
                return o[key] ?? args.value(1, "default") ?? .none
            }
        case "copy": return { _ in .object(o) }
        default: return nil
        }
    }

    static func listMethod(_ a: [Value], _ name: String) -> ((Arguments) throws -> Value)? {
        switch name {
        case "count":
            return { args in
                let item = args.positional.first ?? .none
                return .int(a.filter { Operators.equals($0, item) }.count)
            }
        case "index":
            return { args in
                let item = args.positional.first ?? .none
                var start = try int(args, 1, "start", default: 0)
                var stop = try int(args, 2, "stop", default: a.count)
                if start < 0 { start = max(0, start + a.count) }
                if stop < 0 { stop = max(0, stop + a.count) }
                let range = min(start, a.count)..<max(min(stop, a.count), min(start, a.count))
                guard let i = a[range].firstIndex(where: { Operators.equals($0, item) }) else {
                    throw RuntimeFailure("\(try PythonFormatting.repr(item)) is not in list")
                }
                return .int(i)
            }
        case "copy": return { _ in .array(a) }
        default: return nil
        }
    }
}
