/// SVG plots of reports. Every plot is a self-contained SVG document (no scripts, no
/// external fonts or images) with a title, labelled axes on 1-2-5 ticks and a legend.
public enum SVGPlot {}

extension SVGPlot {
    /// Empirical CDFs of per-request latency, one panel per metric (stacked), one step line
    /// per strategy in the order given (see `StrategyMetrics` for what is sampled).
    /// Strategies without samples are listed in the legend as "infeasible" or "no data".
    public static func latencyCDF(results: [StrategyResult], title: String,
                                  metrics: [LatencyMetric] = [.ttft, .endToEnd]) -> String {
        let titleSize = 16.0, labelSize = 12.0, tickSize = 11.0
        let panelHeight = 250.0, plotWidth = 560.0
        let left = 70.0, top = 84.0, panelGap = 80.0

        struct Entry { var name: String; var color: String; var note: String?; var samples: [LatencyMetric: [Double]] }
        let entries: [Entry] = results.enumerated().map { i, r in
            var samples: [LatencyMetric: [Double]] = [:]
            for m in metrics { samples[m] = StrategyMetrics.samples(m, of: r) }
            let empty = metrics.allSatisfy { samples[$0]?.isEmpty ?? true }
            let note: String? = !r.feasible ? "infeasible" : (empty ? "no data" : nil)
            return Entry(name: r.strategy, color: SVGPalette.series(i), note: note, samples: samples)
        }
        let legendLabels = entries.map { e in
            e.note.map { "\(e.name) (\($0))" } ?? "\(e.name) (n=\(e.samples[metrics.first ?? .ttft]?.count ?? 0))"
        }
        let legendWidth = min(260, (legendLabels.map { SVGCanvas.textWidth($0, size: labelSize) }.max() ?? 0) + 40)
        let width = left + plotWidth + 30 + legendWidth + 10
        let panels = max(1, metrics.count)
        let legendBottom = top + 24 + Double(entries.count) * 20
        let height = max(top + Double(panels) * panelHeight + Double(panels - 1) * panelGap + 56, legendBottom + 20)

        var svg = SVGCanvas(width: width, height: height)
        svg.text(title, x: left, y: 26, size: titleSize, bold: true)
        let counts = entries.map { e in e.samples[metrics.first ?? .ttft]?.count ?? 0 }
        svg.text("empirical CDF over completed requests (\(counts.reduce(0, +)) in total); x from 0 s",
                 x: left, y: 46, size: labelSize, fill: "#555555")

        for (p, metric) in metrics.enumerated() {
            let y0 = top + Double(p) * (panelHeight + panelGap)
            let all = entries.flatMap { $0.samples[metric] ?? [] }
            let scale = NiceScale(minValue: 0, maxValue: all.max() ?? 1, maxIntervals: 6)
            let xOf = { (v: Double) in left + (v - scale.lower) / (scale.upper - scale.lower) * plotWidth }
            let yOf = { (f: Double) in y0 + (1 - f) * panelHeight }
            // Grid and ticks.
            for t in scale.ticks {
                let x = xOf(t)
                svg.line(x1: x, y1: y0, x2: x, y2: y0 + panelHeight, stroke: "#e6e6e6")
                svg.line(x1: x, y1: y0 + panelHeight, x2: x, y2: y0 + panelHeight + 5, stroke: "#444444")
                svg.text(scale.label(t), x: x, y: y0 + panelHeight + 18, size: tickSize, anchor: .middle)
            }
            for i in 0...5 {
                let f = Double(i) / 5
                let y = yOf(f)
                svg.line(x1: left, y1: y, x2: left + plotWidth, y2: y, stroke: "#e6e6e6")
                svg.line(x1: left - 5, y1: y, x2: left, y2: y, stroke: "#444444")
                svg.text(NumberFormat.fixed(f, digits: 1), x: left - 8, y: y + 4, size: tickSize, anchor: .end)
            }
            svg.line(x1: left, y1: y0 + panelHeight, x2: left + plotWidth, y2: y0 + panelHeight, stroke: "#444444")
            svg.line(x1: left, y1: y0, x2: left, y2: y0 + panelHeight, stroke: "#444444")
            svg.text("\(metric.title) (s)", x: left + plotWidth / 2, y: y0 + panelHeight + 38,
                     size: labelSize, anchor: .middle)
            svg.text("fraction of requests", x: left - 48, y: y0 + panelHeight / 2, size: labelSize,
                     anchor: .middle, rotate: -90)
            svg.text(metric.title.prefix(1).uppercased() + metric.title.dropFirst(), x: left + 6, y: y0 - 8,
                     size: 13, bold: true)
            // One step line per strategy.
            for e in entries {
                guard let values = e.samples[metric], !values.isEmpty else { continue }
                let n = Double(values.count)
                var points: [(Double, Double)] = [(xOf(scale.lower), yOf(0))]
                // One vertical step per distinct pixel column keeps big samples small.
                var i = 0
                while i < values.count {
                    let x = xOf(values[i])
                    let column = SVGCanvas.num(x)
                    var j = i + 1
                    while j < values.count, SVGCanvas.num(xOf(values[j])) == column { j += 1 }
                    points.append((x, yOf(Double(i) / n)))
                    points.append((x, yOf(Double(j) / n)))
                    i = j
                }
                points.append((xOf(scale.upper), yOf(1)))
                svg.polyline(points, stroke: e.color, width: 2,
                             title: "\(e.name): \(values.count) requests")
            }
        }
        // Legend, right of the first panel.
        let lx = left + plotWidth + 30
        svg.text("strategy", x: lx, y: top + 6, size: labelSize, bold: true)
        for (i, e) in entries.enumerated() {
            let y = top + 24 + Double(i) * 20
            svg.line(x1: lx, y1: y - 4, x2: lx + 24, y2: y - 4, stroke: e.note == nil ? e.color : "#aaaaaa",
                     width: 3, dash: e.note == nil ? nil : "4 3")
            let label = SVGCanvas.truncate(legendLabels[i], size: labelSize, maxWidth: legendWidth - 34)
            svg.text(label, x: lx + 30, y: y, size: labelSize, fill: e.note == nil ? "#222222" : "#888888",
                     title: legendLabels[i])
        }
        return svg.rendered()
    }
}
