import Foundation
import Testing
@testable import OmniSim

@Suite struct ReportsFormatTests {
    @Test func fixedPointIsStable() {
        #expect(NumberFormat.fixed(1.23456789, digits: 6) == "1.234568")
        #expect(NumberFormat.fixed(-0.0000001, digits: 3) == "0.000")
        #expect(NumberFormat.fixed(-1.5, digits: 1) == "-1.5")
        #expect(NumberFormat.fixed(12345678.0, digits: 0) == "12345678")
        #expect(NumberFormat.fixed(nil, digits: 2, missing: "—") == "—")
        #expect(NumberFormat.fixed(.nan, digits: 2, missing: "") == "")
    }

    @Test func jsonKeepsKeyOrderAndEscapes() throws {
        let doc = ReportJSON.object([
            ("z", .int(-3)), ("a", .string("q\"u\\o\nte\u{01}")), ("m", .number(0.1 + 0.2, digits: 4)),
            ("n", .number(.infinity, digits: 2)), ("list", .array([.bool(true), .null, .uint(UInt64.max)])),
            ("empty", .object([])), ("nested", .array([.object([("k", .string(nil))])])),
        ])
        let compact = doc.rendered(indent: nil)
        #expect(compact == #"{"z":-3,"a":"q\"u\\o\nte\u0001","m":0.3000,"n":null,"list":[true,null,18446744073709551615],"empty":{},"nested":[{"k":null}]}"#)
        let pretty = doc.rendered(indent: 2)
        #expect(pretty.contains("\n  \"a\": "))
        for text in [compact, pretty] {
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(parsed["a"] as? String == "q\"u\\o\nte\u{01}")
            #expect(parsed["n"] is NSNull)
        }
    }

    @Test func csvQuotesPerRFC4180() {
        #expect(CSV.field("plain") == "plain")
        #expect(CSV.field("a,b") == "\"a,b\"")
        #expect(CSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.field("two\nlines") == "\"two\nlines\"")
        #expect(CSV.field("crlf\r\nhere") == "\"crlf\r\nhere\"")
        #expect(CSV.record(["a", "b,c", ""]) == "a,\"b,c\",\r\n")
    }

    /// A small RFC 4180 reader for checking what the writer produced.
    static func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var field = "", record: [String] = []
        var quoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { chars.removeFirst(); field.unicodeScalars.append("\"") } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
            } else if c == "\"" { quoted = true
            } else if c == "," { record.append(field); field = ""
            } else if c == "\r" && chars.first == "\n" {
                chars.removeFirst(); record.append(field); records.append(record); record = []; field = ""
            } else { field.unicodeScalars.append(c) }
        }
        return records
    }

    @Test func summaryCSVRoundTrips() {
        let (results, _) = ReportsFixtures.experiment()
        let text = SummaryWriter.csv(results: results)
        let rows = Self.parseCSV(text)
        #expect(rows.count == results.count + 1)
        #expect(rows[0] == SummaryWriter.csvColumns.map(\.name))
        #expect(rows.allSatisfy { $0.count == SummaryWriter.csvColumns.count })
        #expect(rows.dropFirst().map { $0[0] } == results.map(\.strategy))
        let infeasible = rows[4]
        #expect(infeasible[1] == "false")
        #expect(infeasible[2] == "does not fit: needs 140.2 GiB, cluster has 96.0 GiB")
        #expect(infeasible[10] == "")  // ttft_p50_s is empty, not 0
        #expect(rows[2][7] == "peer pc unreachable (1); timeout after 30 s (1)")
    }

    @Test func summaryJSONParsesWithExpectedShape() throws {
        let (results, _) = ReportsFixtures.experiment()
        let text = SummaryWriter.json(experiment: "e", seed: 42, model: "m", results: results)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(root["seed"] as? Int == 42)
        let strategies = try #require(root["strategies"] as? [[String: Any]])
        #expect(strategies.map { $0["name"] as? String } == results.map(\.strategy))
        let bad = strategies[3]
        #expect(bad["feasible"] as? Bool == false)
        #expect(bad["infeasible_reason"] as? String == results[3].infeasibleReason)
        let badMetrics = try #require(bad["metrics"] as? [String: Any])
        let badTTFT = try #require(badMetrics["ttft_seconds"] as? [String: Any])
        #expect(badTTFT["p50"] is NSNull)
        let good = try #require(strategies[0]["metrics"] as? [String: Any])
        let ttft = try #require(good["ttft_seconds"] as? [String: Any])
        let p50 = try #require(ttft["p50"] as? Double)
        #expect(abs(p50 - (StrategyMetrics(results[0]).ttft.p50 ?? -1)) < 1e-6)
        // Keys in the documented order.
        let order = ["\"experiment\"", "\"seed\"", "\"model\"", "\"strategies\""]
        let positions = order.compactMap { text.range(of: $0)?.lowerBound }
        #expect(positions.count == order.count && positions == positions.sorted())
    }

    @Test func niceScaleUses125Steps() {
        let a = NiceScale(minValue: 0, maxValue: 8.03, maxIntervals: 5)
        #expect(a.step == 2 && a.lower == 0 && a.upper == 10)
        #expect(a.ticks == [0, 2, 4, 6, 8, 10])
        let b = NiceScale(minValue: 0, maxValue: 0.37, maxIntervals: 5)
        #expect(b.step == 0.1 && abs(b.upper - 0.4) < 1e-12)
        #expect(b.ticks.map(b.label) == ["0.0", "0.1", "0.2", "0.3", "0.4"])
        let c = NiceScale(minValue: 0, maxValue: 1234, maxIntervals: 7)
        #expect(c.step == 200 && c.upper == 1400)
        let d = NiceScale(minValue: 0, maxValue: 1234, maxIntervals: 6)  // 200 would need 7 intervals
        #expect(d.step == 500 && d.upper == 1500)
        let flat = NiceScale(minValue: 0, maxValue: 0)
        #expect(flat.lower == 0 && flat.upper == 1)
        #expect(a.ticks(from: 0, to: 8.03) == [0, 2, 4, 6, 8])
    }
}
