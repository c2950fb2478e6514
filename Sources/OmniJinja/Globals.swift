import Foundation

/// The global functions a template sees, as transformers sets them up: `range`, `dict`,
/// `namespace`, `raise_exception`, `strftime_now`, plus Jinja's `lipsum`-free defaults.
extension Renderer {
    static let maximumRangeLength = 10_000_000

    func globalValue(_ name: String) -> Value? {
        switch name {
        case "range": return .function(JinjaFunction(name: name, body: Globals.range))
        case "dict": return .function(JinjaFunction(name: name, body: Globals.dictionary))
        case "namespace": return .function(JinjaFunction(name: name, body: Globals.namespace))
        case "raise_exception":
            return .function(JinjaFunction(name: name) { arguments in
                throw JinjaError.raised(message: try PythonFormatting.str(arguments.value(0, "message") ?? .undefined))
            })
        case "strftime_now":
            let now = self.now, timeZone = self.timeZone
            return .function(JinjaFunction(name: name) { arguments in
                guard case .string(let format)? = arguments.value(0, "format") else {
                    throw RuntimeFailure("strftime_now needs a format string")
                }
                return .string(try Strftime.format(now, format, timeZone: timeZone))
            })
        default: return nil
        }
    }
}

/// Implementations of the global functions.
enum Globals {
    static func range(_ arguments: Arguments) throws -> Value {
        let numbers = try arguments.positional.map { value -> Int in
            guard case .int(let i)? = Operators.number(value) else {
                throw RuntimeFailure("'\(value.typeName)' object cannot be interpreted as an integer")
            }
            return i
        }
        let (start, stop, step): (Int, Int, Int)
        switch numbers.count {
        case 1: (start, stop, step) = (0, numbers[0], 1)
        case 2: (start, stop, step) = (numbers[0], numbers[1], 1)
        case 3: (start, stop, step) = (numbers[0], numbers[1], numbers[2])
        default: throw RuntimeFailure("range expected 1 to 3 arguments, got \(numbers.count)")
        }
        if step == 0 { throw RuntimeFailure("range() arg 3 must not be zero") }
        let span = step > 0 ? Double(stop) - Double(start) : Double(start) - Double(stop)
        let count = span <= 0 ? 0 : Int((span / Double(abs(step))).rounded(.up))
        if count > Renderer.maximumRangeLength {
            throw RuntimeFailure("Range too big. The sandbox blocks ranges larger than MAX_RANGE (\(Renderer.maximumRangeLength)).")
        }
        return .array((0..<count).map { .int(start + $0 * step) })
    }

    static func dictionary(_ arguments: Arguments) throws -> Value {
        if arguments.positional.count > 1 {
            throw RuntimeFailure("dict expected at most 1 argument, got \(arguments.positional.count)")
        }
        var object = OrderedObject()
        if let first = arguments.positional.first {
            switch first {
            case .object(let o): object = o
            case .undefined: throw RuntimeFailure("an undefined value was passed to dict() or namespace()")
            default:
                for pair in try Operators.iterate(first) {
                    guard let kv = pair.sequenceItems, kv.count == 2, case .string(let key) = kv[0] else {
                        throw RuntimeFailure("dict() needs pairs of (string key, value)")
                    }
                    object[key] = kv[1]
                }
            }
        }
        for (key, value) in arguments.keywords { object[key] = value }
        return .object(object)
    }

    static func namespace(_ arguments: Arguments) throws -> Value {
        guard case .object(let object) = try dictionary(arguments) else { return .none }
        for key in object.keys { try checkNamespaceName(key) }
        return .namespace(Namespace(object))
    }

    /// transformers refuses namespace attributes that start with an underscore.
    static func checkNamespaceName(_ name: String) throws {
        if name.hasPrefix("_") {
            throw RuntimeFailure("Chat templates cannot store underscore-prefixed attributes on a namespace, but got '\(name)'. Please rename the attribute.")
        }
    }
}
