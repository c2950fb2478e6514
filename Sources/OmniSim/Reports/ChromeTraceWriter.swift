/// The spans of one strategy, with the node order its rows should follow.
public struct StrategyTimeline: Sendable, Equatable {
    public var strategy: String
    public var spans: [TimelineSpan]
    /// Nodes in pipeline order; nodes not listed follow, sorted by name.
    public var nodeOrder: [String]

    public init(strategy: String, spans: [TimelineSpan], nodeOrder: [String] = []) {
        self.strategy = strategy
        self.spans = spans
        self.nodeOrder = nodeOrder
    }
}

/// Writes Chrome / Perfetto trace-event JSON (`{"traceEvents":[...]}`), one event per line.
///
/// Each strategy is a process (pid 1, 2, ... in the order given, named "strategy <name>");
/// each node lane is a thread (tid 1, 2, ... within the process, named after the node, with
/// " lane N" for overlap lanes, see `TimelineLayout`). Spans are "X" complete events with
/// `ts`/`dur` in microseconds (3 decimals), `cat` = kind, `name` = label (or kind when the
/// label is empty), and args {kind, request?, label}. "M" metadata events name and order the
/// processes and threads.
public enum ChromeTraceWriter {
    /// Decimals of `ts` and `dur` (microseconds), so nanosecond resolution.
    public static let digits = 3

    /// The trace JSON for `timelines`; `metadata` pairs go to `otherData` in the given order.
    public static func json(timelines: [StrategyTimeline], metadata: [(String, String)] = []) -> String {
        var lines: [String] = []
        for (index, timeline) in timelines.enumerated() {
            let pid = Int64(index + 1)
            lines.append(meta("process_name", pid: pid, tid: 0, ("name", .string("strategy \(timeline.strategy)"))))
            lines.append(meta("process_sort_index", pid: pid, tid: 0, ("sort_index", .int(pid))))
            let layout = TimelineLayout(spans: timeline.spans, nodeOrder: timeline.nodeOrder)
            var events: [(tid: Int64, placed: TimelineLayout.Placed)] = []
            var tid: Int64 = 0
            for node in layout.nodes {
                let firstTid = tid + 1
                for lane in 0..<node.laneCount {
                    tid += 1
                    let name = lane == 0 ? node.node : "\(node.node) lane \(lane + 1)"
                    lines.append(meta("thread_name", pid: pid, tid: tid, ("name", .string(name))))
                    lines.append(meta("thread_sort_index", pid: pid, tid: tid, ("sort_index", .int(tid))))
                }
                for placed in node.spans {
                    events.append((firstTid + Int64(placed.lane), placed))
                }
            }
            // Events in time order (ties: thread), a stable order over the layout's total order.
            let ordered = events.enumerated().sorted { a, b in
                let sa = a.element.placed.span.start, sb = b.element.placed.span.start
                if sa != sb { return sa < sb }
                if a.element.tid != b.element.tid { return a.element.tid < b.element.tid }
                return a.offset < b.offset
            }
            for (_, event) in ordered {
                lines.append(complete(event.placed.span, pid: pid, tid: event.tid))
            }
        }
        var text = "{\"traceEvents\":[\n"
        text += lines.joined(separator: ",\n")
        text += lines.isEmpty ? "],\n" : "\n],\n"
        text += "\"displayTimeUnit\":\"ms\",\n"
        text += "\"otherData\":"
        text += ReportJSON.object(metadata.map { ($0.0, .string($0.1)) }).rendered(indent: nil)
        text += "}\n"
        return text
    }

    static func meta(_ name: String, pid: Int64, tid: Int64, _ arg: (String, ReportJSON)) -> String {
        ReportJSON.object([
            ("name", .string(name)), ("ph", .string("M")),
            ("pid", .int(pid)), ("tid", .int(tid)),
            ("args", .object([arg])),
        ]).rendered(indent: nil)
    }

    static func complete(_ span: TimelineSpan, pid: Int64, tid: Int64) -> String {
        var args: [(String, ReportJSON)] = [("kind", .string(span.kind))]
        if let request = span.request { args.append(("request", .string(request))) }
        args.append(("label", .string(span.label)))
        return ReportJSON.object([
            ("name", .string(span.label.isEmpty ? span.kind : span.label)),
            ("cat", .string(span.kind)),
            ("ph", .string("X")),
            ("pid", .int(pid)),
            ("tid", .int(tid)),
            ("ts", .number(span.start * 1_000_000, digits: digits)),
            ("dur", .number((span.end - span.start) * 1_000_000, digits: digits)),
            ("args", .object(args)),
        ]).rendered(indent: nil)
    }
}
