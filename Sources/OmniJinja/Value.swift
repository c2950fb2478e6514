import Foundation

/// A value a template works with: JSON-like data plus the few runtime kinds Jinja needs
/// (namespaces and callables). Objects keep their key order, like Python dicts.
public indirect enum Value: Sendable, Equatable {
    /// Jinja's default `Undefined`: prints as "", is falsy, iterates as empty; most other uses raise.
    case undefined
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([Value])
    /// A Python tuple (from `(a, b)`, `dict.items()`, ...); prints with parentheses, equals no list.
    case tuple([Value])
    case object(OrderedObject)
    /// What jinja2's lazy filters (`select`, `map`, `reverse`, `items`, ...) return: iterable,
    /// always truthy (even when empty), without a length; `|list` turns it into a list.
    case generator([Value])
    /// A mutable `namespace(...)` object; shared by reference like Python's.
    case namespace(Namespace)
    /// Something a template can call: globals, macros and bound methods.
    case function(JinjaFunction)
}

/// String-keyed mapping that keeps insertion order, like a Python dict.
public struct OrderedObject: Sendable, Equatable {
    /// Keys in insertion order.
    public private(set) var keys: [String] = []
    private var storage: [String: Value] = [:]

    /// Creates an object from pairs; a repeated key keeps its first position and its last value.
    public init(_ pairs: [(String, Value)] = []) {
        for (key, value) in pairs { self[key] = value }
    }

    /// Number of entries.
    public var count: Int { keys.count }
    /// Whether there are no entries.
    public var isEmpty: Bool { keys.isEmpty }

    /// Reads or writes an entry; writing `nil` removes it.
    public subscript(key: String) -> Value? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Entries in insertion order.
    public var pairs: [(key: String, value: Value)] {
        keys.map { ($0, storage[$0] ?? .none) }
    }

    /// Values in insertion order.
    public var values: [Value] { keys.map { storage[$0] ?? .none } }

    /// Python dict equality: same keys with equal values, order ignored.
    public static func == (lhs: OrderedObject, rhs: OrderedObject) -> Bool {
        lhs.storage == rhs.storage
    }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) { self = .object(OrderedObject(elements)) }
}

extension Value {
    /// The items of a list or tuple.
    var sequenceItems: [Value]? {
        switch self {
        case .array(let items), .tuple(let items): return items
        default: return nil
        }
    }

    /// Whether lists, tuples, dicts and namespaces nest more than `limit` levels deep.
    /// Walks at most `limit` levels, so it is safe on any value.
    func nestsDeeper(than limit: Int) -> Bool {
        if limit < 0 { return true }
        switch self {
        case .array(let items), .tuple(let items), .generator(let items): return items.contains { $0.nestsDeeper(than: limit - 1) }
        case .object(let object): return object.values.contains { $0.nestsDeeper(than: limit - 1) }
        case .namespace(let ns): return ns.attributes.values.contains { $0.nestsDeeper(than: limit - 1) }
        default: return false
        }
    }

    /// Python truthiness.
    public var isTruthy: Bool {
        switch self {
        case .undefined, .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .array(let a), .tuple(let a): return !a.isEmpty
        case .object(let o): return !o.isEmpty
        case .namespace, .function, .generator: return true
        }
    }

    /// The Python type name used in error messages ("str", "dict", ...).
    var typeName: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .array: return "list"
        case .tuple: return "tuple"
        case .generator: return "generator"
        case .object: return "dict"
        case .namespace: return "Namespace"
        case .function: return "function"
        }
    }
}
