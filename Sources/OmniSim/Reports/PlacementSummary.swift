/// One-line text forms of a shard table, e.g. "mac-mini 0-12 | pc 13-31".
public enum PlacementSummary {
    /// Rows in the given (pipeline) order as "node first-last", joined by " | ".
    /// A node that holds several rows is written "node/device" so rows stay distinct;
    /// a single layer is written without a range; an empty table is "—".
    public static func line(_ rows: [PlacementRow]) -> String {
        guard !rows.isEmpty else { return "—" }
        var seen: [String: Int] = [:]
        for row in rows { seen[row.node, default: 0] += 1 }
        return rows.map { row in
            let who = (seen[row.node] ?? 0) > 1 ? "\(row.node)/\(row.device)" : row.node
            let layers = row.firstLayer == row.lastLayer
                ? "\(row.firstLayer)" : "\(row.firstLayer)-\(row.lastLayer)"
            return "\(who) \(layers)"
        }.joined(separator: " | ")
    }

}
