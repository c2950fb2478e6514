/// Attribute (`x.name`) and item (`x[key]`) access with Jinja's rules: a dict's methods win
/// for `.name`, its keys win for `[key]`, and anything missing is undefined.
enum Attributes {
    /// Text naming an expression in error messages.
    static func describe(_ expression: Expression) -> String {
        switch expression.kind {
        case .name(let name): return "'\(name)'"
        case let .attribute(subject, name): return "'\(describeInner(subject)).\(name)'"
        case let .item(subject, _): return "'\(describeInner(subject))[...]'"
        case .call(let callee, _): return "the result of \(describe(callee))"
        default: return "the value"
        }
    }

    static func describeInner(_ expression: Expression) -> String {
        switch expression.kind {
        case .name(let name): return name
        case let .attribute(subject, name): return describeInner(subject) + "." + name
        case let .item(subject, _): return describeInner(subject) + "[...]"
        default: return "(...)"
        }
    }

    static func attribute(of value: Value, named name: String, subject: Expression) throws -> Value {
        switch value {
        case .undefined:
            throw RuntimeFailure("\(describe(subject)) is undefined, so it has no attribute '\(name)'")
        case .object(let object):
            if let method = Methods.method(of: value, named: name) { return method }
            return object[name] ?? .undefined
        case .namespace(let namespace):
            return namespace.attributes[name] ?? .undefined
        default:
            return Methods.method(of: value, named: name) ?? .undefined
        }
    }

    static func item(of value: Value, key: Value, subject: Expression) throws -> Value {
        switch (value, key) {
        case (.undefined, _):
            throw RuntimeFailure("\(describe(subject)) is undefined, so it cannot be indexed")
        case let (.object(object), .string(name)):
            if let found = object[name] { return found }
        case let (.namespace(namespace), .string(name)):
            return namespace.attributes[name] ?? .undefined
        case let (.array(items), _), let (.tuple(items), _):
            if case .int(var index)? = Operators.number(key) {
                if index < 0 { index += items.count }
                return items.indices.contains(index) ? items[index] : .undefined
            }
        case let (.string(text), _):
            if case .int(var index)? = Operators.number(key) {
                let scalars = Array(text.unicodeScalars)
                if index < 0 { index += scalars.count }
                return scalars.indices.contains(index) ? .string(String(scalars[index])) : .undefined
            }
        default:
            break
        }
        if case .string(let name) = key { return Methods.method(of: value, named: name) ?? .undefined }
        return .undefined
    }
}
