import Foundation
import Testing
@testable import OmniSim

@Suite struct ReportsBundleTests {
    static func tempDirectory() -> URL {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("omni-reports-\(UUID().uuidString)", isDirectory: true)
    }

    @Test func writesAllFilesSorted() throws {
        let (results, timelines) = ReportsFixtures.experiment()
        let dir = Self.tempDirectory()
        defer {
            if ProcessInfo.processInfo.environment["OMNI_KEEP_REPORTS"] == nil {
                try? FileManager.default.removeItem(at: dir)
            } else {
                print("reports kept in \(dir.path)")
            }
        }
        let files = try ReportBundle.write(to: dir, experiment: "two-node", seed: 7, model: "llama-3-8b",
                                           results: results, timelines: timelines)
        let names = files.map(\.lastPathComponent)
        #expect(names == ["latency_cdf.svg", "summary.csv", "summary.json", "throughput.svg",
                          "timeline_flops-weighted.svg", "timeline_optimal__min-tpot___v2.svg",
                          "timeline_ring-memory.svg", "timeline_uniform.svg", "trace.json"])
        for file in files { #expect(FileManager.default.fileExists(atPath: file.path)) }
    }
}
