import Foundation
import Testing
@testable import OmniSim

@Suite struct ReportsTraceTests {
    static func events(_ text: String) throws -> [[String: Any]] {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return try #require(root["traceEvents"] as? [[String: Any]])
    }

    @Test func traceParsesAndHasPerfettoFields() throws {
        let (results, timelines) = ReportsFixtures.experiment()
        let input = results.map { StrategyTimeline(strategy: $0.strategy, spans: timelines[$0.strategy] ?? [],
                                                   nodeOrder: $0.placement.map(\.node)) }
        let text = ChromeTraceWriter.json(timelines: input, metadata: [("seed", "7")])
        let events = try Self.events(text)
        let complete = events.filter { $0["ph"] as? String == "X" }
        #expect(complete.count == input.reduce(0) { $0 + $1.spans.count })
        for e in complete {
            #expect(e["name"] is String && e["cat"] is String)
            #expect(e["pid"] is Int && e["tid"] is Int)
            #expect((e["ts"] as? Double ?? -1) >= 0 && (e["dur"] as? Double ?? -1) >= 0)
            let args = try #require(e["args"] as? [String: Any])
            #expect(args["request"] is String)
        }
        let meta = events.filter { $0["ph"] as? String == "M" }
        let processNames = meta.filter { $0["name"] as? String == "process_name" }
            .compactMap { ($0["args"] as? [String: Any])?["name"] as? String }
        #expect(processNames == results.map { "strategy \($0.strategy)" })
        // Every thread used by an event is named.
        let named = Set(meta.filter { $0["name"] as? String == "thread_name" }
            .compactMap { e in (e["pid"] as? Int).flatMap { p in (e["tid"] as? Int).map { "\(p)/\($0)" } } })
        let used = Set(complete.compactMap { e in (e["pid"] as? Int).flatMap { p in (e["tid"] as? Int).map { "\(p)/\($0)" } } })
        #expect(used.isSubset(of: named))
    }

    @Test func timesAreMicrosecondsAndLanesDoNotOverlap() throws {
        let spans = [
            TimelineSpan(node: "a", kind: "compute", request: "r1", start: 0.5, end: 1.0, label: "l0-3"),
            TimelineSpan(node: "a", kind: "send", request: "r1", start: 0.75, end: 1.25, label: ""),
            TimelineSpan(node: "a", kind: "compute", request: "r2", start: 1.0, end: 1.5, label: "l0-3"),
            TimelineSpan(node: "b", kind: "compute", start: 0.25, end: 0.125, label: "backwards"),
        ]
        let text = ChromeTraceWriter.json(timelines: [StrategyTimeline(strategy: "s", spans: spans, nodeOrder: ["b", "a"])])
        let complete = try Self.events(text).filter { $0["ph"] as? String == "X" }
        let first = try #require(complete.first { $0["ts"] as? Double == 500_000 })
        #expect(first["dur"] as? Double == 500_000)
        #expect(first["name"] as? String == "l0-3")
        let send = try #require(complete.first { $0["cat"] as? String == "send" })
        #expect(send["name"] as? String == "send")  // empty label falls back to the kind
        #expect(send["tid"] as? Int != first["tid"] as? Int)  // overlaps, so another lane
        let backwards = try #require(complete.first { $0["name"] as? String == "backwards" })
        #expect(backwards["dur"] as? Double == 0)
        #expect(backwards["tid"] as? Int == 1)  // node b first, as ordered
        #expect(text.contains(#""ts":500000.000"#))
    }

    @Test func spanOrderDoesNotChangeTrace() {
        let (results, timelines) = ReportsFixtures.experiment()
        let spans = timelines[results[1].strategy] ?? []
        var rng = ReportsFixtures.LCG(state: 99)
        let shuffled = spans.map { ($0, rng.next()) }.sorted { $0.1 < $1.1 }.map(\.0)
        #expect(shuffled != spans)
        let a = ChromeTraceWriter.json(timelines: [StrategyTimeline(strategy: "u", spans: spans)])
        let b = ChromeTraceWriter.json(timelines: [StrategyTimeline(strategy: "u", spans: shuffled)])
        #expect(a == b)
    }

    @Test func emptyTraceIsValid() throws {
        let text = ChromeTraceWriter.json(timelines: [])
        #expect(try Self.events(text).isEmpty)
    }
}
