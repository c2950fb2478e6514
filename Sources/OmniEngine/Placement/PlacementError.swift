import Foundation

/// Everything that can go wrong while describing devices, merging topologies or placing a model,
/// each naming what is wrong and where.
public enum PlacementError: LocalizedError, Equatable {
    /// The model (or one node's share of it) needs more memory than there is. `detail` names who
    /// lacks it ("cluster", "node b (layers 13..<22)"), optionally followed by "; " and why.
    case doesNotFit(neededBytes: Int, availableBytes: Int, detail: String)
    /// The topology has no nodes to place on.
    case emptyTopology
    /// A placement's shard table is not contiguous, not complete or otherwise malformed.
    case invalidPlacement(reason: String)
    /// A device profile has a value the cost model cannot use.
    case invalidDevice(node: String, field: String, reason: String)
    /// A link has a value the cost model cannot use.
    case invalidLink(between: String, field: String, reason: String)
    /// The model description or the placement request cannot be placed.
    case invalidRequest(field: String, reason: String)
    /// No strategy is registered under this name.
    case unknownStrategy(name: String, known: [String])
    /// A strategy parameter is unknown or out of range.
    case invalidParameter(strategy: String, name: String, reason: String)
    /// A topology could not be read or merged.
    case invalidTopology(reason: String)
    /// A system file (for `DeviceProfile.thisMachine`) or a memory size could not be parsed.
    case invalidSystemValue(source: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .doesNotFit(let needed, let available, let detail):
            let (who, why) = Self.splitDetail(detail)
            return "does not fit: needs \(Self.formatGiB(needed)), \(who) has \(Self.formatGiB(available))" + (why.map { "; \($0)" } ?? "")
        case .emptyTopology:
            return "cannot place: the topology has no nodes"
        case .invalidPlacement(let reason):
            return "invalid placement: \(reason)"
        case .invalidDevice(let node, let field, let reason):
            return "device profile of node \(node): \(field) \(reason)"
        case .invalidLink(let between, let field, let reason):
            return "link \(between): \(field) \(reason)"
        case .invalidRequest(let field, let reason):
            return "cannot place: \(field) \(reason)"
        case .unknownStrategy(let name, let known):
            return "unknown placement strategy '\(name)'; known strategies: \(known.joined(separator: ", "))"
        case .invalidParameter(let strategy, let name, let reason):
            return "placement strategy \(strategy): parameter '\(name)' \(reason)"
        case .invalidTopology(let reason):
            return "invalid topology: \(reason)"
        case .invalidSystemValue(let source, let reason):
            return "\(source): \(reason)"
        }
    }

    /// Bytes as GiB with one decimal, e.g. "140.2 GiB". Deterministic (no locale).
    static func formatGiB(_ bytes: Int) -> String {
        let gib = Double(bytes) / Double(1 << 30)
        return String(format: "%.1f GiB", gib)
    }

    /// "who; why" -> ("who", "why"); "who" -> ("who", nil).
    static func splitDetail(_ detail: String) -> (String, String?) {
        guard let range = detail.range(of: "; ") else { return (detail, nil) }
        return (String(detail[..<range.lowerBound]), String(detail[range.upperBound...]))
    }
}
