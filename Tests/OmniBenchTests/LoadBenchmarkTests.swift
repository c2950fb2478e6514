import Testing
@testable import OmniBench

@Suite struct LoadBenchmarkTests {
    @Test func nearestRankPercentiles() {
        let values = (1...100).map(Double.init)
        #expect(LoadBenchmark.percentile(values, 0.5) == 50)
        #expect(LoadBenchmark.percentile(values, 0.99) == 99)
        #expect(LoadBenchmark.percentile([7], 0.99) == 7)
        #expect(LoadBenchmark.percentile([], 0.5) == 0)
    }

    @Test func onlyPlainHTTPURLsAreAccepted() {
        #expect(throws: LoadBenchmarkError.self) { try LoadClient(url: "https://127.0.0.1:1") }
        #expect(throws: LoadBenchmarkError.self) { try LoadClient(url: "not a url") }
        #expect((try? LoadClient(url: "http://localhost:8080"))?.port == 8080)
    }
}
