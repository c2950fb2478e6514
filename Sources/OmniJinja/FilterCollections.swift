/// Filters that take a sequence apart or put one together: batch, sort, dictsort, unique,
/// min/max, map, select/reject(attr).
extension Filters {
    /// Python's `sorted(reverse=...)` takes only integers (bools included).
    static func sortedReverseFlag(_ value: Value?) throws -> Bool {
        switch value {
        case nil: return false
        case .bool(let b)?: return b
        case .int(let i)?: return i != 0
        case let other?: throw RuntimeFailure("'\(other.typeName)' object cannot be interpreted as an integer")
        }
    }

    static func batch(_ value: Value, _ args: Arguments) throws -> Value {
        guard case .int(let size)? = args.value(0, "linecount").flatMap(Operators.number), size > 0 else {
            throw RuntimeFailure("batch needs a positive line count")
        }
        let fill = args.value(1, "fill_with")
        var rows: [Value] = []
        var row: [Value] = []
        for item in try Operators.iterate(value) {
            if row.count == size { rows.append(.array(row)); row = [] }
            row.append(item)
        }
        if !row.isEmpty {
            if let fill, fill != .none { while row.count < size { row.append(fill) } }
            rows.append(.array(row))
        }
        return .generator(rows)
    }

    static func sortKey(_ value: Value, caseSensitive: Bool) -> Value {
        if !caseSensitive, case .string(let s) = value { return .string(s.lowercased()) }
        return value
    }

    static func stableSort(_ items: [Value], reverse: Bool, key: (Value) throws -> Value) throws -> [Value] {
        let keyed = try items.enumerated().map { ($0.offset, try key($0.element), $0.element) }
        var failure: Error?
        let sorted = keyed.sorted { a, b in
            do {
                if try Operators.less(a.1, b.1) { return !reverse }
                if try Operators.less(b.1, a.1) { return reverse }
            } catch { failure = error }
            return a.0 < b.0
        }
        if let failure { throw failure }
        return sorted.map { $0.2 }
    }

    static func sort(_ value: Value, _ args: Arguments) throws -> Value {
        let reverse = try sortedReverseFlag(args.value(0, "reverse"))
        let caseSensitive = args.value(1, "case_sensitive")?.isTruthy ?? false
        let attribute = args.value(2, "attribute")
        return .array(try stableSort(try Operators.iterate(value), reverse: reverse) { item in
            sortKey(try attribute.map { try lookupPath(item, $0) } ?? item, caseSensitive: caseSensitive)
        })
    }

    static func dictsort(_ value: Value, _ args: Arguments) throws -> Value {
        guard case .object(let o) = value else { throw RuntimeFailure("dictsort needs a mapping, got \(value.typeName)") }
        let caseSensitive = args.value(0, "case_sensitive")?.isTruthy ?? false
        let byValue: Bool
        switch args.value(1, "by") {
        case .string("value")?: byValue = true
        case .string("key")?, nil: byValue = false
        default: throw RuntimeFailure("You can only sort by either \"key\" or \"value\"")
        }
        let reverse = try sortedReverseFlag(args.value(2, "reverse"))
        let pairs: [Value] = o.pairs.map { .tuple([.string($0.key), $0.value]) }
        return .array(try stableSort(pairs, reverse: reverse) { pair in
            guard let kv = pair.sequenceItems else { return pair }
            return sortKey(kv[byValue ? 1 : 0], caseSensitive: caseSensitive)
        })
    }

    static func unique(_ value: Value, _ args: Arguments) throws -> Value {
        let caseSensitive = args.value(0, "case_sensitive")?.isTruthy ?? false
        let attribute = args.value(1, "attribute")
        var seen: [Value] = []
        var result: [Value] = []
        for item in try Operators.iterate(value) {
            let key = sortKey(try attribute.map { try lookupPath(item, $0) } ?? item, caseSensitive: caseSensitive)
            switch key {
            case .array, .object, .namespace: throw RuntimeFailure("unhashable type: '\(key.typeName)'")
            default: break
            }
            if !seen.contains(where: { Operators.equals($0, key) }) {
                seen.append(key)
                result.append(item)
            }
        }
        return .generator(result)
    }

    static func extreme(_ value: Value, _ args: Arguments, largest: Bool) throws -> Value {
        let caseSensitive = args.value(0, "case_sensitive")?.isTruthy ?? false
        let attribute = args.value(1, "attribute")
        var best: (Value, Value)?
        for item in try Operators.iterate(value) {
            let key = sortKey(try attribute.map { try lookupPath(item, $0) } ?? item, caseSensitive: caseSensitive)
            if let current = best {
                if largest ? try Operators.less(current.0, key) : try Operators.less(key, current.0) { best = (key, item) }
            } else {
                best = (key, item)
            }
        }
        return best?.1 ?? .undefined
    }

    static func map(_ value: Value, _ args: Arguments, renderer: Renderer) throws -> Value {
        // jinja2 only looks at the arguments when there is something to map.
        if !value.isTruthy { return .generator([]) }
        let items = try Operators.iterate(value)
        if let attribute = args.keyword("attribute") {
            let fallback = args.keyword("default")
            return .generator(try items.map { item in
                let found = try lookupPath(item, attribute)
                if case .undefined = found, let fallback { return fallback }
                return found
            })
        }
        guard case .string(let filterName)? = args.positional.first else {
            throw RuntimeFailure("map requires a filter argument")
        }
        // jinja2 looks the filter up for each item, so an unknown one fails only if there are items.
        if !items.isEmpty, !names.contains(filterName) { throw RuntimeFailure("No filter named '\(filterName)'.") }
        let rest = Arguments(positional: Array(args.positional.dropFirst()), keywords: args.keywords)
        return .generator(try items.map { try apply(filterName, to: $0, rest, renderer: renderer) })
    }

    static func select(_ name: String, _ value: Value, _ args: Arguments, renderer: Renderer) throws -> Value {
        if !value.isTruthy { return .generator([]) }
        let byAttribute = name.hasSuffix("attr")
        let keep = name.hasPrefix("select")
        var positional = args.positional[...]
        var attribute: Value?
        if byAttribute {
            guard let first = positional.first else { throw RuntimeFailure("\(name) needs an attribute name") }
            attribute = first
            positional = positional.dropFirst()
        }
        var testName: String?
        let items = try Operators.iterate(value)
        if let first = positional.first {
            // jinja2 looks the test up for each item, so a bad name fails only if there are items.
            guard case .string(let t) = first else {
                if items.isEmpty { return .generator([]) }
                throw RuntimeFailure("No test named \(try PythonFormatting.repr(first)).")
            }
            testName = t
            positional = positional.dropFirst()
        }
        let testArguments = Arguments(positional: Array(positional), keywords: args.keywords)
        return .generator(try items.filter { item in
            let subject = try attribute.map { try lookupPath(item, $0) } ?? item
            let passed = try testName.map { try TestFunctions.apply($0, to: subject, testArguments, renderer: renderer) } ?? subject.isTruthy
            return passed == keep
        })
    }
}
