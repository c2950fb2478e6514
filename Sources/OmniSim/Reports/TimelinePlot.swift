/// Which part of a run a timeline plot shows, to keep the SVG small.
public struct TimelineWindow: Sendable, Equatable {
    /// At most this many spans are drawn: the window ends where the first span that would
    /// exceed the limit starts.
    public var maxSpans: Int
    /// When set, only the first `maxSeconds` from the run's start are drawn.
    public var maxSeconds: Double?

    public init(maxSpans: Int = 1000, maxSeconds: Double? = nil) {
        self.maxSpans = max(1, maxSpans)
        self.maxSeconds = maxSeconds
    }
}

extension SVGPlot {
    /// A Gantt chart of one strategy's run: one band per node (pipeline order, then others
    /// by name), overlapping working spans stacked in lanes inside the band, waiting spans
    /// (queue_wait) in one translucent lane below them, so deeper queues show darker; bars
    /// colored by span kind, each bar's tooltip naming kind, request, times and label. The subtitle states
    /// the window shown and how many spans it holds out of the total, then `note` if given.
    public static func timeline(strategy: String, spans: [TimelineSpan], nodeOrder: [String] = [],
                                window: TimelineWindow = TimelineWindow(), title: String,
                                note: String? = nil) -> String {
        let labelSize = 12.0, tickSize = 11.0
        let laneHeight = 14.0, laneGap = 2.0, bandPadding = 6.0
        let plotWidth = 860.0, top = 70.0

        let valid = spans.filter { $0.start.isFinite && $0.end.isFinite }
        let t0 = min(0, valid.map(\.start).min() ?? 0)
        let runEnd = valid.map { max($0.start, $0.end) }.max() ?? 0
        // Window end: by time, then by span count.
        var windowEnd = window.maxSeconds.map { t0 + max(0, $0) } ?? runEnd
        var inWindow = valid.filter { $0.start < windowEnd || ($0.start == windowEnd && windowEnd == runEnd) }
        if inWindow.count > window.maxSpans {
            let starts = inWindow.map(\.start).sorted()
            windowEnd = starts[window.maxSpans]
            inWindow = inWindow.filter { $0.start < windowEnd }
        }
        windowEnd = min(windowEnd, runEnd)
        let clipped = inWindow.map { s -> TimelineSpan in
            var s = s
            s.end = min(max(s.start, s.end), max(windowEnd, s.start))
            return s
        }
        let layout = TimelineLayout(spans: clipped, nodeOrder: nodeOrder)
        let kinds = SVGPalette.kindColors(Set(clipped.map(\.kind)))
        var colorOf: [String: String] = [:]
        for k in kinds { colorOf[k.kind] = k.color }

        let nodeLabelWidth = min(200, max(60, (layout.nodes.map { SVGCanvas.textWidth($0.node, size: labelSize) }.max() ?? 0) + 16))
        let left = nodeLabelWidth + 10
        // Drawn lanes: working lanes, then at most one lane for all waiting spans.
        let drawnLanes = layout.nodes.map { $0.workingLanes + ($0.laneCount > $0.workingLanes ? 1 : 0) }
        var bandTops: [Double] = []
        var y = top
        for lanes in drawnLanes {
            bandTops.append(y)
            y += bandPadding * 2 + Double(max(1, lanes)) * (laneHeight + laneGap) - laneGap
        }
        let plotBottom = max(y, top + 30)
        let width = left + plotWidth + 30
        let height = plotBottom + 86

        var svg = SVGCanvas(width: width, height: height)
        svg.text(title, x: 16, y: 26, size: 16, bold: true)
        let shown = layout.nodes.reduce(0) { $0 + $1.spans.count }
        let windowText = "\(NumberFormat.fixed(t0, digits: 3))–\(NumberFormat.fixed(windowEnd, digits: 3)) s"
        var subtitle = valid.isEmpty
            ? "no spans recorded"
            : "showing \(windowText) of \(NumberFormat.fixed(t0, digits: 3))–\(NumberFormat.fixed(runEnd, digits: 3)) s: \(shown) of \(valid.count) spans"
        if let note { subtitle += "; " + note }
        svg.text(SVGCanvas.truncate(subtitle, size: labelSize, maxWidth: width - 32), x: 16, y: 46, size: labelSize, fill: "#555555")

        // The axis keeps the window's exact range; ticks fall on 1-2-5 multiples inside it.
        let axisEnd = windowEnd > t0 ? windowEnd : t0 + 1
        let scale = NiceScale(minValue: t0, maxValue: axisEnd, maxIntervals: 8)
        let xOf = { (t: Double) in left + (t - t0) / (axisEnd - t0) * plotWidth }
        for t in scale.ticks(from: t0, to: axisEnd) {
            let x = xOf(t)
            svg.line(x1: x, y1: top, x2: x, y2: plotBottom, stroke: "#eeeeee")
            svg.line(x1: x, y1: plotBottom, x2: x, y2: plotBottom + 5, stroke: "#444444")
            svg.text(scale.label(t), x: x, y: plotBottom + 18, size: tickSize, anchor: .middle)
        }
        svg.line(x1: left, y1: plotBottom, x2: left + plotWidth, y2: plotBottom, stroke: "#444444")
        svg.text("virtual time (s)", x: left + plotWidth / 2, y: plotBottom + 38, size: labelSize, anchor: .middle)

        for (index, node) in layout.nodes.enumerated() {
            let bandTop = bandTops[index]
            let bandHeight = bandPadding * 2 + Double(max(1, drawnLanes[index])) * (laneHeight + laneGap) - laneGap
            if index % 2 == 0 {
                svg.rect(x: left, y: bandTop, width: plotWidth, height: bandHeight, fill: "#f7f7f7")
            }
            svg.line(x1: left - 4, y1: bandTop + bandHeight, x2: left + plotWidth, y2: bandTop + bandHeight, stroke: "#dddddd")
            let name = SVGCanvas.truncate(node.node, size: labelSize, maxWidth: nodeLabelWidth - 8)
            svg.text(name, x: left - 8, y: bandTop + bandHeight / 2 + 4, size: labelSize, anchor: .end, title: node.node)
            for placed in node.spans {
                let s = placed.span
                let x = xOf(s.start)
                let w = max(0.6, xOf(s.end) - x)
                let waiting = placed.lane >= node.workingLanes
                let lane = waiting ? node.workingLanes : placed.lane
                let yy = bandTop + bandPadding + Double(lane) * (laneHeight + laneGap)
                var tip = s.kind
                if let r = s.request { tip += " | request \(r)" }
                tip += " | \(NumberFormat.fixed(s.start, digits: 6))–\(NumberFormat.fixed(s.end, digits: 6)) s"
                if !s.label.isEmpty { tip += " | \(s.label)" }
                let fill = colorOf[s.kind] ?? "#999999"
                svg.rect(x: x, y: yy, width: w, height: laneHeight, fill: fill,
                         opacity: waiting ? 0.35 : nil, title: tip)
                if !waiting, let r = s.request, SVGCanvas.textWidth(r, size: 9) + 4 < w {
                    svg.text(r, x: x + 2, y: yy + laneHeight - 4, size: 9, fill: SVGPalette.textColor(on: fill))
                }
            }
        }
        svg.line(x1: left, y1: top, x2: left, y2: plotBottom, stroke: "#444444")

        // Kind legend under the axis.
        var lx = left
        let ly = plotBottom + 62
        for k in kinds {
            svg.rect(x: lx, y: ly - 10, width: 14, height: 12, fill: k.color)
            svg.text(k.kind, x: lx + 19, y: ly, size: labelSize)
            lx += 19 + SVGCanvas.textWidth(k.kind, size: labelSize) + 18
        }
        return svg.rendered()
    }
}
