/// A plain-text comparison of strategies for the terminal: aligned columns, text left and
/// numbers right, "—" for missing figures; an infeasible strategy's reason follows its row
/// on a line of its own.
public enum ComparisonTable {
    /// Column headers, in order.
    public static let headers = ["strategy", "feasible", "placement", "TTFT p50 ms",
                                 "TTFT p99 ms", "TPOT p50 ms", "tokens/s", "failed"]

    /// The table text, one line per strategy (plus one per infeasible reason), ending in "\n".
    public static func render(results: [StrategyResult]) -> String {
        let ms = { (v: Double?) in NumberFormat.fixed(v.map { $0 * 1000 }, digits: 1, missing: "—") }
        var rows: [[String]] = []
        var notes: [String?] = []
        for r in results {
            let m = StrategyMetrics(r)
            if r.feasible {
                rows.append([r.strategy, "yes", PlacementSummary.line(r.placement),
                             ms(m.ttft.p50), ms(m.ttft.p99), ms(m.tpot.p50),
                             NumberFormat.fixed(m.tokensPerSecond, digits: 1, missing: "—"),
                             "\(m.failed)/\(m.totalRequests)"])
                notes.append(nil)
            } else {
                rows.append([r.strategy, "no", "—", "—", "—", "—", "—", "—"])
                notes.append(r.infeasibleReason ?? "infeasible (no reason given)")
            }
        }
        let rightAligned = [false, false, false, true, true, true, true, true]
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                parts.append(rightAligned[i] ? pad + cell : cell + pad)
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        var out = line(headers) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for (row, note) in zip(rows, notes) {
            out += line(row) + "\n"
            if let note { out += "  ↳ " + note.replacingNewlines() + "\n" }
        }
        return out
    }
}

extension String {
    /// The text on one line: CR and LF become spaces.
    fileprivate func replacingNewlines() -> String {
        String(map { $0.isNewline ? " " : $0 })
    }
}
