import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import OmniSim

@Suite struct ReportsSVGTests {
    /// Collects element names and text while parsing; remembers the first error.
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        var titles: [String] = []
        var texts: [String] = []
        private var current = ""
        private var stack: [String] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            elements.append(name); stack.append(name); current = ""
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "title" { titles.append(current) }
            if name == "text" { texts.append(current) }
            stack.removeLast(); current = ""
        }
    }

    static func parse(_ svg: String) throws -> Collector {
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        let ok = parser.parse()
        #expect(ok, "SVG is not well-formed: \(String(describing: parser.parserError))")
        #expect(collector.elements.first == "svg")
        #expect(!svg.contains("<script") && !svg.contains("<image") && !svg.contains("@import"))
        #expect(!svg.contains("href"))
        return collector
    }

    static let awkward = StrategyResult(strategy: "a<b & \"c\" 'd'", feasible: false,
                                        infeasibleReason: "needs > 10 GiB & <more>")

    @Test func latencyCDFIsWellFormedWithOneLinePerStrategy() throws {
        let (results, _) = ReportsFixtures.experiment()
        let svg = SVGPlot.latencyCDF(results: results + [Self.awkward], title: "CDF <test>")
        let c = try Self.parse(svg)
        // Two panels (TTFT, end-to-end), one step line per strategy with samples.
        let feasible = results.filter { !StrategyMetrics.samples(.ttft, of: $0).isEmpty }.count
        #expect(c.elements.filter { $0 == "path" }.count == 2 * feasible)
        #expect(c.texts.contains("CDF <test>"))
        #expect(c.texts.contains("a<b & \"c\" 'd' (infeasible)"))
        #expect(c.texts.contains("time to first token (s)"))
    }

    @Test func latencyCDFStaysSmallForLargeSamples() throws {
        let requests = (0..<50_000).map { i in
            RequestRecord(id: "r\(i)", origin: "a", arrival: 0, firstToken: Double(i % 997) * 0.001,
                          finish: 1 + Double(i % 991) * 0.002, outputTokens: 4, status: "completed")
        }
        let r = StrategyResult(strategy: "big", feasible: true, requests: requests, simulatedSeconds: 10)
        let svg = SVGPlot.latencyCDF(results: [r], title: "big")
        let c = try Self.parse(svg)
        #expect(c.elements.filter { $0 == "path" }.count == 2)
        #expect(c.texts.contains("big (n=50000)"))
        #expect(svg.utf8.count < 80_000)
    }

    @Test func cdfStepsAtEachValue() throws {
        let requests = [0.5, 1.0, 1.0, 2.0].enumerated().map { i, t in
            RequestRecord(id: "r\(i)", origin: "a", arrival: 0, firstToken: t, finish: t, outputTokens: 1, status: "completed")
        }
        let r = StrategyResult(strategy: "s", feasible: true, requests: requests, simulatedSeconds: 2)
        let svg = SVGPlot.latencyCDF(results: [r], title: "t", metrics: [.ttft])
        // Plot area: x 70...630 over 0...2 s (280 px/s); y 84...334 over 1...0.
        // Start at (70, 334), then steps at 0.5 s (to 0.25), 1.0 s (to 0.75), 2.0 s (to 1), then right edge.
        #expect(svg.contains("d=\"M70 334 L210 334 L210 271.5 L350 271.5 L350 146.5 L630 146.5 L630 84 L630 84\""))
    }

    @Test func throughputMarksInfeasible() throws {
        let (results, _) = ReportsFixtures.experiment()
        let c = try Self.parse(SVGPlot.throughput(results: results + [Self.awkward], title: "T"))
        #expect(c.titles.contains("infeasible: needs > 10 GiB & <more>"))
        #expect(c.texts.filter { $0.contains("infeasible:") }.count == 2)
        let tps = try #require(StrategyMetrics(results[0]).tokensPerSecond)
        #expect(c.texts.contains(NumberFormat.fixed(tps, digits: 1)))
    }

    @Test func timelineHasTooltipsAndRespectsSpanLimit() throws {
        var spans: [TimelineSpan] = []
        for i in 0..<5000 {
            spans.append(TimelineSpan(node: i % 2 == 0 ? "n<0>" : "n1", kind: i % 3 == 0 ? "send" : "compute",
                                      request: "r\(i)", start: Double(i) * 0.01, end: Double(i) * 0.01 + 0.015,
                                      label: "step \(i)"))
        }
        let svg = SVGPlot.timeline(strategy: "s", spans: spans, nodeOrder: ["n1"],
                                   window: TimelineWindow(maxSpans: 100), title: "Timeline")
        let c = try Self.parse(svg)
        let spanTips = c.titles.filter { $0.contains("| request r") }
        #expect(spanTips.count == 100)
        #expect(spanTips.contains("compute | request r1 | 0.010000–0.025000 s | step 1"))
        #expect(c.texts.contains { $0.contains("100 of 5000 spans") })
        #expect(c.texts.contains("n<0>"))
        // Pipeline order first: n1's label comes before n<0>'s.
        let i1 = try #require(c.texts.firstIndex(of: "n1")), i0 = try #require(c.texts.firstIndex(of: "n<0>"))
        #expect(i1 < i0)
        #expect(svg.utf8.count < 60_000)
    }

    @Test func timelineWindowBySeconds() throws {
        let spans = (0..<50).map { TimelineSpan(node: "a", kind: "compute", start: Double($0), end: Double($0) + 0.5) }
        let c = try Self.parse(SVGPlot.timeline(strategy: "s", spans: spans,
                                                window: TimelineWindow(maxSeconds: 10), title: "T"))
        #expect(c.titles.filter { $0.hasPrefix("compute |") }.count == 10)
        #expect(c.texts.contains { $0.contains("0.000–10.000 s of 0.000–49.500 s: 10 of 50 spans") })
    }

    @Test func emptyInputsStillDraw() throws {
        _ = try Self.parse(SVGPlot.latencyCDF(results: [], title: "none"))
        _ = try Self.parse(SVGPlot.throughput(results: [], title: "none"))
        let c = try Self.parse(SVGPlot.timeline(strategy: "s", spans: [], title: "none", note: "infeasible: x"))
        #expect(c.texts.contains("no spans recorded; infeasible: x"))
    }

    @Test func textColorFollowsFillLightness() {
        #expect(SVGPalette.textColor(on: "#bab0ac") == "#222222")
        #expect(SVGPalette.textColor(on: "#4e79a7") == "#ffffff")
    }
}
