import Foundation
import Testing
@testable import OmniBench

/// The cluster benchmark runs end to end on the fixture model (figures are printed, not checked).
@Suite struct LiveClusterBenchmarkTests {
    static var fixture: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("OmniEngineTests/Fixtures/models/llama")
    }

    @Test func comparesOneNodeWithARingOfThree() throws {
        let result = try ClusterBenchmark.run(modelDirectory: Self.fixture, nodes: 3, promptTokens: 8, decodeTokens: 32, repeats: 3) { print($0) }
        #expect(result.nodes == 3)
        #expect(result.hopsPerToken == 3)
        #expect(result.singleNodeSecondsPerToken > 0 && result.clusterSecondsPerToken > 0)
        #expect(result.addedSecondsPerHop == (result.clusterSecondsPerToken - result.singleNodeSecondsPerToken) / 3)
        print(String(format: "added latency per hop per token on loopback: %.1f µs", result.addedSecondsPerHop * 1e6))
    }
}
