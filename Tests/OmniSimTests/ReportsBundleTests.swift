import Foundation
import Testing
@testable import OmniSim

@Suite struct ReportsBundleTests {
    /// A fresh directory, removed afterwards unless OMNI_KEEP_REPORTS is set (for viewing).
    static func withTempDirectory<T>(_ body: (URL) throws -> T) rethrows -> T {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("omni-reports-\(UUID().uuidString)", isDirectory: true)
        defer {
            if ProcessInfo.processInfo.environment["OMNI_KEEP_REPORTS"] == nil {
                try? FileManager.default.removeItem(at: dir)
            } else {
                print("reports kept in \(dir.path)")
            }
        }
        return try body(dir)
    }

    static func contents(_ files: [URL]) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for f in files { out[f.lastPathComponent] = try Data(contentsOf: f) }
        return out
    }

    @Test func writesAllFilesSorted() throws {
        let (results, timelines) = ReportsFixtures.experiment()
        try Self.withTempDirectory { dir in
            let files = try ReportBundle.write(to: dir, experiment: "two-node", seed: 7, model: "llama-3-8b",
                                               results: results, timelines: timelines)
            let names = files.map(\.lastPathComponent)
            #expect(names == ["latency_cdf.svg", "summary.csv", "summary.json", "throughput.svg",
                              "timeline_flops-weighted.svg", "timeline_optimal__min-tpot___v2.svg",
                              "timeline_ring-memory.svg", "timeline_uniform.svg", "trace.json"])
            #expect(files.map(\.path) == files.map(\.path).sorted())
            for file in files where file.pathExtension == "json" {
                #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(contentsOf: file)) }
            }
            for file in files where file.pathExtension == "svg" {
                _ = try ReportsSVGTests.parse(String(decoding: try Data(contentsOf: file), as: UTF8.self))
            }
            if ProcessInfo.processInfo.environment["OMNI_KEEP_REPORTS"] != nil {
                print(ComparisonTable.render(results: results))
            }
        }
    }

    @Test func sameInputGivesSameBytesWhateverTheOrderOfSpansAndKeys() throws {
        let (results, timelines) = ReportsFixtures.experiment()
        // Same content built in another order: spans shuffled, dictionary filled in reverse,
        // with spare capacity so its iteration order differs.
        var rng = ReportsFixtures.LCG(state: 5)
        var reordered: [String: [TimelineSpan]] = [:]
        reordered.reserveCapacity(64)
        for key in timelines.keys.sorted().reversed() {
            reordered[key] = timelines[key]!.map { ($0, rng.next()) }.sorted { $0.1 < $1.1 }.map(\.0)
        }
        let a = try Self.withTempDirectory { dir in
            try Self.contents(ReportBundle.write(to: dir, experiment: "x", seed: 1, model: "m",
                                                 results: results, timelines: timelines))
        }
        let b = try Self.withTempDirectory { dir in
            try Self.contents(ReportBundle.write(to: dir, experiment: "x", seed: 1, model: "m",
                                                 results: results, timelines: reordered))
        }
        #expect(a.keys.sorted() == b.keys.sorted())
        for key in a.keys.sorted() { #expect(a[key] == b[key], "\(key) differs") }
        // And a different seed changes what it should, only.
        let c = try Self.withTempDirectory { dir in
            try Self.contents(ReportBundle.write(to: dir, experiment: "x", seed: 2, model: "m",
                                                 results: results, timelines: timelines))
        }
        #expect(a["summary.json"] != c["summary.json"])
        #expect(a["summary.csv"] == c["summary.csv"])
    }

    @Test func rejectsBadNamesWithClearErrors() {
        let (results, timelines) = ReportsFixtures.experiment()
        Self.withTempDirectory { dir in
            #expect(throws: ReportError.duplicateStrategy("uniform")) {
                try ReportBundle.write(to: dir, experiment: "x", seed: 1, model: "m",
                                       results: results + [results[1]], timelines: [:])
            }
            #expect(throws: ReportError.duplicateStrategy("timeline_a_b.svg")) {
                try ReportBundle.write(to: dir, experiment: "x", seed: 1, model: "m",
                                       results: [ReportsFixtures.infeasible("a b"), ReportsFixtures.infeasible("a/b")],
                                       timelines: [:])
            }
            #expect(throws: ReportError.emptyStrategyName(index: 0)) {
                try ReportBundle.write(to: dir, experiment: "x", seed: 1, model: "m",
                                       results: [ReportsFixtures.infeasible("")], timelines: [:])
            }
            #expect(throws: ReportError.timelineWithoutResult("ghost")) {
                try ReportBundle.write(to: dir, experiment: "x", seed: 1, model: "m",
                                       results: results, timelines: timelines.merging(["ghost": []]) { a, _ in a })
            }
            #expect(!FileManager.default.fileExists(atPath: dir.path), "nothing is written on bad input")
            #expect(ReportError.timelineWithoutResult("ghost").errorDescription?.contains("ghost") == true)
        }
    }

    @Test func reportsUnwritableDirectory() throws {
        try Self.withTempDirectory { dir in
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let file = dir.appendingPathComponent("not-a-directory")
            try Data("x".utf8).write(to: file)
            #expect {
                try ReportBundle.write(to: file.appendingPathComponent("out"), experiment: "x", seed: 1,
                                       model: "m", results: [], timelines: [:])
            } throws: { error in
                guard case .cannotCreateDirectory(let path, _) = error as? ReportError else { return false }
                return path.hasSuffix("not-a-directory/out")
            }
        }
    }

    @Test func emptyAndAllInfeasibleExperimentsWrite() throws {
        try Self.withTempDirectory { dir in
            let none = try ReportBundle.write(to: dir.appendingPathComponent("none"), experiment: "x", seed: 0,
                                              model: "m", results: [], timelines: [:])
            #expect(none.map(\.lastPathComponent) == ["latency_cdf.svg", "summary.csv", "summary.json",
                                                      "throughput.svg", "trace.json"])
            let bad = [ReportsFixtures.infeasible("a"), ReportsFixtures.infeasible("b")]
            let files = try ReportBundle.write(to: dir.appendingPathComponent("bad"), experiment: "x", seed: 0,
                                               model: "m", results: bad, timelines: [:])
            #expect(files.count == 7)
            for file in files where file.pathExtension == "svg" {
                _ = try ReportsSVGTests.parse(String(decoding: try Data(contentsOf: file), as: UTF8.self))
            }
        }
    }
}
