import Foundation

/// Python's `"text" % values` for the common conversions `%s %r %d %i %f %%`.
enum PercentFormat {
    static func format(_ format: String, _ argument: Value) throws -> String {
        var values: [Value]
        var mapping: OrderedObject?
        switch argument {
        case .tuple(let items): values = items
        case .object(let object): values = [argument]; mapping = object
        case .undefined: values = [argument]; mapping = OrderedObject()
        default: values = [argument]
        }
        var out = ""
        var scalars = Array(format.unicodeScalars)[...]
        while let c = scalars.first {
            scalars = scalars.dropFirst()
            guard c == "%" else { out.unicodeScalars.append(c); continue }
            var key: String?
            if scalars.first == "(" {
                guard let close = scalars.firstIndex(of: ")") else { throw RuntimeFailure("incomplete format key") }
                key = PyString.string(scalars[scalars.index(after: scalars.startIndex)..<close])
                scalars = scalars[scalars.index(after: close)...]
            }
            guard let conversion = scalars.first else { throw RuntimeFailure("incomplete format") }
            scalars = scalars.dropFirst()
            if conversion == "%" { out += "%"; continue }
            let value: Value
            if let key {
                guard let found = argument == .undefined ? Value.undefined : mapping?[key] else {
                    throw RuntimeFailure("format key '\(key)' not found")
                }
                value = found
            } else {
                guard !values.isEmpty else { throw RuntimeFailure("not enough arguments for format string") }
                value = values.removeFirst()
            }
            switch conversion {
            case "s": out += try PythonFormatting.str(value)
            case "r": out += try PythonFormatting.repr(value)
            case "d", "i":
                guard let n = Operators.number(value) else { throw RuntimeFailure("%d format: a real number is required, not \(value.typeName)") }
                switch n {
                case .int(let i): out += String(i)
                case .double(let d): out += String(Int(d.rounded(.towardZero)))
                }
            case "f":
                guard let n = Operators.number(value) else { throw RuntimeFailure("must be real number, not \(value.typeName)") }
                out += String(format: "%.6f", Operators.asDouble(n))
            default:
                throw RuntimeFailure("unsupported format character '\(conversion)'")
            }
        }
        if mapping == nil && !values.isEmpty { throw RuntimeFailure("not all arguments converted during string formatting") }
        return out
    }
}
