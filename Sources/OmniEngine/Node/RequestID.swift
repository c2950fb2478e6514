/// Identifies one client request across the cluster: the node that accepted it and that node's
/// own counter. Ordered, so tables keyed by it can be walked deterministically.
public struct RequestID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var origin: NodeID
    public var sequence: UInt64

    public init(origin: NodeID, sequence: UInt64) {
        self.origin = origin
        self.sequence = sequence
    }

    public static func < (a: RequestID, b: RequestID) -> Bool {
        (a.origin, a.sequence) < (b.origin, b.sequence)
    }

    public var description: String { "\(origin)#\(sequence)" }
}
