import Testing
@testable import OmniSim

@Suite struct ReportsTableTests {
    @Test func columnsAlignAndInfeasibleShowsReason() {
        let (results, _) = ReportsFixtures.experiment()
        let text = ComparisonTable.render(results: results)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.last == "")
        let body = lines.dropLast()
        // Header, rule, 4 strategies, 1 reason line.
        #expect(body.count == 7)
        let rows = body.filter { !$0.hasPrefix("  ↳") }
        // The last column is right-aligned, so every row has the same width.
        #expect(Set(rows.map(\.count)).count == 1)
        #expect(rows[2].hasPrefix("ring-memory ") && rows[2].contains("mac-mini 0-12 | pc 13-31"))
        #expect(rows[3].hasSuffix(" 2/12"))
        #expect(rows[5].hasPrefix("flops-weighted ") && rows[5].contains(" no "))
        #expect(body[6] == "  ↳ does not fit: needs 140.2 GiB, cluster has 96.0 GiB")
        // Column starts line up with the header's.
        let header = rows[0]
        let tpsStart = header.range(of: "tokens/s")!.upperBound
        let column = header.distance(from: header.startIndex, to: tpsStart)
        for row in rows.dropFirst(2) {
            let idx = row.index(row.startIndex, offsetBy: column - 1)
            #expect(row[idx] != " ", "tokens/s must be right-aligned under its header: \(row)")
        }
    }

    @Test func missingFiguresShowDash() throws {
        let r = StrategyResult(strategy: "idle", feasible: true,
                               placement: [PlacementRow(node: "a", device: "cpu", firstLayer: 0, lastLayer: 3)])
        let text = ComparisonTable.render(results: [r])
        let row = try #require(text.split(separator: "\n").last)
        #expect(row.hasPrefix("idle      yes       a 0-3"))
        #expect(row.contains("—"))
        #expect(row.hasSuffix("0/0"))
    }
}
