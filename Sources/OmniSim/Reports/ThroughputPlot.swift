extension SVGPlot {
    /// A horizontal bar chart of output tokens per simulated second, one bar per strategy in
    /// the order given. Infeasible strategies get no bar but a red "infeasible" mark with the
    /// reason (full text in the tooltip); feasible ones without a figure say "no data".
    public static func throughput(results: [StrategyResult], title: String) -> String {
        let labelSize = 12.0, tickSize = 11.0
        let barHeight = 22.0, barGap = 12.0, plotWidth = 560.0, top = 64.0
        let metrics = results.map { StrategyMetrics($0) }
        let nameWidth = min(220, max(60, (results.map { SVGCanvas.textWidth($0.strategy, size: labelSize) }.max() ?? 0) + 16))
        let left = nameWidth + 10
        let plotHeight = max(barHeight, Double(results.count) * (barHeight + barGap) - barGap) + barGap * 2
        let width = left + plotWidth + 110
        let height = top + plotHeight + 60

        var svg = SVGCanvas(width: width, height: height)
        svg.text(title, x: 16, y: 26, size: 16, bold: true)
        let infeasible = results.filter { !$0.feasible }.count
        svg.text("output tokens of completed requests per simulated second"
                 + (infeasible > 0 ? "; \(infeasible) infeasible \(infeasible == 1 ? "strategy" : "strategies") marked in red" : ""),
                 x: 16, y: 46, size: labelSize, fill: "#555555")
        let best = metrics.compactMap { $0.feasible ? $0.tokensPerSecond : nil }.max() ?? 0
        let scale = NiceScale(minValue: 0, maxValue: best > 0 ? best : 1, maxIntervals: 6)
        let xOf = { (v: Double) in left + (v - scale.lower) / (scale.upper - scale.lower) * plotWidth }
        let plotBottom = top + plotHeight
        for t in scale.ticks {
            let x = xOf(t)
            svg.line(x1: x, y1: top, x2: x, y2: plotBottom, stroke: "#e6e6e6")
            svg.line(x1: x, y1: plotBottom, x2: x, y2: plotBottom + 5, stroke: "#444444")
            svg.text(scale.label(t), x: x, y: plotBottom + 18, size: tickSize, anchor: .middle)
        }
        svg.line(x1: left, y1: plotBottom, x2: left + plotWidth, y2: plotBottom, stroke: "#444444")
        svg.line(x1: left, y1: top, x2: left, y2: plotBottom, stroke: "#444444")
        svg.text("tokens / s", x: left + plotWidth / 2, y: plotBottom + 38, size: labelSize, anchor: .middle)

        for (i, (r, m)) in zip(results, metrics).enumerated() {
            let y = top + barGap + Double(i) * (barHeight + barGap)
            let mid = y + barHeight / 2 + 4
            let name = SVGCanvas.truncate(r.strategy, size: labelSize, maxWidth: nameWidth - 8)
            svg.text(name, x: left - 8, y: mid, size: labelSize, anchor: .end, title: r.strategy)
            if !r.feasible {
                let reason = r.infeasibleReason ?? "no reason given"
                svg.rect(x: left, y: y, width: plotWidth, height: barHeight, fill: "#fbe9e9", title: "infeasible: \(reason)")
                let text = SVGCanvas.truncate("✗ infeasible: \(reason)", size: labelSize, maxWidth: plotWidth - 12)
                svg.text(text, x: left + 6, y: mid, size: labelSize, fill: "#c62828", title: reason)
            } else if let tps = m.tokensPerSecond {
                let w = xOf(tps) - left
                let value = NumberFormat.fixed(tps, digits: 1)
                svg.rect(x: left, y: y, width: w, height: barHeight, fill: SVGPalette.series(i),
                         title: "\(r.strategy): \(value) tokens/s, \(m.completed) completed, \(m.failed) failed")
                svg.text(value, x: left + w + 6, y: mid, size: labelSize)
            } else {
                svg.text("no data", x: left + 6, y: mid, size: labelSize, fill: "#888888", italic: true)
            }
        }
        return svg.rendered()
    }
}
