import Foundation

/// The identity of a node in a cluster: an opaque, stable string (for example a UUID or a host name).
///
/// Ordered by its string so that every tie in placement and topology merging is broken the same
/// way on every node. Encodes as a bare JSON string.
public struct NodeID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public init(from decoder: Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (a: NodeID, b: NodeID) -> Bool {
        // Compare code units, not String's Unicode-aware ordering, so the order is the same
        // everywhere regardless of normalization details.
        a.rawValue.utf8.lexicographicallyPrecedes(b.rawValue.utf8)
    }

    public var description: String { rawValue }
}
