import Foundation

/// The object made by `namespace(...)`: attributes that `{% set ns.x = ... %}` can change
/// from inside loops. Only one render uses a given namespace, on one thread.
public final class Namespace: @unchecked Sendable, Equatable {
    /// The attributes, in the order they were first set.
    public var attributes: OrderedObject

    /// Creates a namespace holding `attributes`.
    public init(_ attributes: OrderedObject = OrderedObject()) {
        self.attributes = attributes
    }

    /// Namespaces are equal only to themselves, like Python objects.
    public static func == (lhs: Namespace, rhs: Namespace) -> Bool { lhs === rhs }
}

/// Positional and keyword arguments of one call.
public struct Arguments: Sendable {
    /// Arguments given by position.
    public var positional: [Value]
    /// Arguments given by name, in call order.
    public var keywords: [(String, Value)]

    /// Creates an argument list.
    public init(positional: [Value] = [], keywords: [(String, Value)] = []) {
        self.positional = positional
        self.keywords = keywords
    }

    /// The keyword argument called `name`, if given.
    public func keyword(_ name: String) -> Value? {
        keywords.last { $0.0 == name }?.1
    }

    /// The argument at `index` by position, or else by `name`, or else nil.
    public func value(_ index: Int, _ name: String) -> Value? {
        if index < positional.count { return positional[index] }
        return keyword(name)
    }
}

/// A callable value: a global such as `range`, a macro, or a method bound to its receiver.
/// Calls happen only inside the render that made it.
public final class JinjaFunction: @unchecked Sendable, Equatable {
    /// The name used in error messages.
    public let name: String
    let body: (Arguments) throws -> Value

    /// Wraps `body` as a callable named `name`.
    public init(name: String, body: @escaping (Arguments) throws -> Value) {
        self.name = name
        self.body = body
    }

    /// Calls the function.
    public func call(_ arguments: Arguments) throws -> Value { try body(arguments) }

    /// Functions are equal only to themselves.
    public static func == (lhs: JinjaFunction, rhs: JinjaFunction) -> Bool { lhs === rhs }
}
