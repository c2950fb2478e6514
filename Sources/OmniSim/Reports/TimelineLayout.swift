/// Orders a strategy's spans and assigns each to a lane so that spans in one lane never
/// overlap: Chrome trace threads and timeline plot rows are built from these lanes.
///
/// Nodes come in pipeline order (`nodeOrder`), then any other node sorted by name. Within a
/// node, spans are sorted by (start, end, kind, request, label) and each goes to the lowest
/// lane whose last span ended at or before its start. Waiting spans (`waitKinds`) get lanes
/// of their own below the working ones, so a node's first lane shows what it computes. Spans with a non-finite start or end
/// are dropped; an end before the start is treated as the start (zero length).
struct TimelineLayout {
    struct Placed {
        var span: TimelineSpan
        var lane: Int
    }

    struct NodeLanes {
        var node: String
        var laneCount: Int
        /// Lanes of working spans; waiting spans use lanes workingLanes..<laneCount.
        var workingLanes: Int
        /// Spans sorted by (start, end, kind, request, label).
        var spans: [Placed]
    }

    var nodes: [NodeLanes]

    init(spans: [TimelineSpan], nodeOrder: [String]) {
        var byNode: [String: [TimelineSpan]] = [:]
        for var span in spans where span.start.isFinite && span.end.isFinite {
            if span.end < span.start { span.end = span.start }
            byNode[span.node, default: []].append(span)
        }
        let order = TimelineLayout.merge(nodeOrder, Array(byNode.keys))
        nodes = order.compactMap { node in
            guard let list = byNode[node] else { return nil }
            let sorted = list.sorted(by: TimelineLayout.spanPrecedes)
            let working = TimelineLayout.pack(sorted.filter { !TimelineLayout.waitKinds.contains($0.kind) }, firstLane: 0)
            let waiting = TimelineLayout.pack(sorted.filter { TimelineLayout.waitKinds.contains($0.kind) },
                                              firstLane: working.lanes)
            let placed = (working.placed + waiting.placed).sorted { a, b in
                TimelineLayout.spanPrecedes(a.span, b.span)
            }
            return NodeLanes(node: node, laneCount: working.lanes + waiting.lanes,
                             workingLanes: working.lanes, spans: placed)
        }
    }

    /// Kinds that mean "waiting", laid out below the working spans.
    static let waitKinds: Set<String> = ["queue_wait"]

    /// Greedy lane packing of spans sorted by start; lanes are numbered from `firstLane`.
    static func pack(_ spans: [TimelineSpan], firstLane: Int) -> (placed: [Placed], lanes: Int) {
        var laneEnds: [Double] = []
        var placed: [Placed] = []
        placed.reserveCapacity(spans.count)
        for span in spans {
            if let lane = laneEnds.firstIndex(where: { $0 <= span.start }) {
                laneEnds[lane] = span.end
                placed.append(Placed(span: span, lane: firstLane + lane))
            } else {
                laneEnds.append(span.end)
                placed.append(Placed(span: span, lane: firstLane + laneEnds.count - 1))
            }
        }
        return (placed, laneEnds.count)
    }

    /// `first` without duplicates, then the names of `others` not in it, sorted.
    static func merge(_ first: [String], _ others: [String]) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for n in first where seen.insert(n).inserted { out.append(n) }
        for n in others.sorted() where seen.insert(n).inserted { out.append(n) }
        return out
    }

    /// A total order on spans of one node, so equal inputs in any order sort the same.
    static func spanPrecedes(_ a: TimelineSpan, _ b: TimelineSpan) -> Bool {
        if a.start != b.start { return a.start < b.start }
        if a.end != b.end { return a.end < b.end }
        if a.kind != b.kind { return a.kind < b.kind }
        if a.request != b.request {
            guard let ra = a.request else { return true }
            guard let rb = b.request else { return false }
            return ra < rb
        }
        return a.label < b.label
    }
}
