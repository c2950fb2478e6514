import Foundation

/// Writes every report of one experiment into a directory.
public enum ReportBundle {
    /// Spans drawn per timeline plot at most (the plot's subtitle says what was left out).
    public static let timelineMaxSpans = 1000

    /// The timeline plot's file name for `strategy`: "timeline_<name>.svg", with every
    /// character outside [A-Za-z0-9._-] replaced by "_".
    public static func timelineFileName(for strategy: String) -> String {
        let safe = String(strategy.unicodeScalars.map { s -> Character in
            let ok = (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9")
                || s == "." || s == "_" || s == "-"
            return ok ? Character(s) : "_"
        })
        return "timeline_\(safe).svg"
    }

    /// Writes summary.json, summary.csv, trace.json, latency_cdf.svg, throughput.svg and one
    /// timeline_<strategy>.svg per result into `directory` (created if needed), replacing files
    /// of those names. `timelines` maps strategy names to spans; strategies without an entry
    /// get an empty timeline. Returns the written files sorted by path.
    ///
    /// Throws `ReportError` for duplicate or empty strategy names, for two names that map to
    /// the same timeline file, for timelines of unknown strategies, and for I/O failures.
    @discardableResult
    public static func write(to directory: URL, experiment: String, seed: UInt64, model: String,
                             results: [StrategyResult], timelines: [String: [TimelineSpan]]) throws -> [URL] {
        var names = Set<String>()
        var fileNames = Set<String>()
        for (index, r) in results.enumerated() {
            if r.strategy.isEmpty { throw ReportError.emptyStrategyName(index: index) }
            if !names.insert(r.strategy).inserted { throw ReportError.duplicateStrategy(r.strategy) }
            if !fileNames.insert(timelineFileName(for: r.strategy)).inserted {
                throw ReportError.duplicateStrategy(timelineFileName(for: r.strategy))
            }
        }
        if let stray = timelines.keys.sorted().first(where: { !names.contains($0) }) {
            throw ReportError.timelineWithoutResult(stray)
        }

        var files: [(String, String)] = []
        files.append(("summary.json", SummaryWriter.json(experiment: experiment, seed: seed, model: model, results: results)))
        files.append(("summary.csv", SummaryWriter.csv(results: results)))
        let strategyTimelines = results.map { r in
            StrategyTimeline(strategy: r.strategy, spans: timelines[r.strategy] ?? [],
                             nodeOrder: r.placement.map(\.node))
        }
        files.append(("trace.json", ChromeTraceWriter.json(
            timelines: strategyTimelines,
            metadata: [("experiment", experiment), ("seed", String(seed)), ("model", model)])))
        files.append(("latency_cdf.svg", SVGPlot.latencyCDF(
            results: results, title: "Latency CDF — \(experiment) (\(model), seed \(seed))")))
        files.append(("throughput.svg", SVGPlot.throughput(
            results: results, title: "Throughput — \(experiment) (\(model), seed \(seed))")))
        for (r, timeline) in zip(results, strategyTimelines) {
            files.append((timelineFileName(for: timeline.strategy), SVGPlot.timeline(
                strategy: timeline.strategy, spans: timeline.spans, nodeOrder: timeline.nodeOrder,
                window: TimelineWindow(maxSpans: timelineMaxSpans),
                title: "Timeline — \(timeline.strategy) — \(experiment)",
                note: r.feasible ? nil : "infeasible: \(r.infeasibleReason ?? "no reason given")")))
        }

        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ReportError.cannotCreateDirectory(path: directory.path, reason: error.localizedDescription)
        }
        var written: [URL] = []
        for (name, text) in files {
            let url = directory.appendingPathComponent(name)
            do {
                try Data(text.utf8).write(to: url, options: .atomic)
            } catch {
                throw ReportError.cannotWrite(path: url.path, reason: error.localizedDescription)
            }
            written.append(url)
        }
        return written.sorted { $0.path < $1.path }
    }
}
