import Testing
@testable import OmniSim

@Suite struct ReportsMetricsTests {
    @Test func percentilesInterpolateLikeNumpy() throws {
        let d = Distribution([4, 1, 3, 2])
        #expect(d.count == 4)
        #expect(d.p50 == 2.5)
        #expect(abs(try #require(d.p90) - 3.7) < 1e-12)
        #expect(abs(try #require(d.p99) - 3.97) < 1e-12)
        #expect(d.mean == 2.5)
        #expect(d.min == 1)
        #expect(d.max == 4)
        // numpy.percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90) == 91.0
        let ten = Distribution((1...10).map { Double($0 * 10) })
        #expect(abs(try #require(ten.p90) - 91) < 1e-9)
        #expect(abs(try #require(ten.p99) - 99.1) < 1e-9)
    }

    @Test func percentileEdgeCases() {
        let one = Distribution([0.25])
        #expect(one.p50 == 0.25 && one.p99 == 0.25 && one.mean == 0.25)
        let empty = Distribution([])
        #expect(empty.count == 0)
        #expect(empty.p50 == nil && empty.p90 == nil && empty.p99 == nil && empty.mean == nil)
        let withNaN = Distribution([.nan, 2, .infinity, 1])
        #expect(withNaN.count == 2)
        #expect(withNaN.p50 == 1.5)
        #expect(Distribution.percentile(sortedValues: [1, 2], 150) == 2)
        #expect(Distribution.percentile(sortedValues: [1, 2], -5) == 1)
    }

    @Test func distributionIgnoresInputOrder() {
        let values = (0..<101).map { Double($0) * 0.1 + 1e-7 * Double($0 % 7) }
        #expect(Distribution(values) == Distribution(values.reversed()))
    }

    static func handResult(simulatedSeconds: Double = 10) -> StrategyResult {
        StrategyResult(
            strategy: "hand", feasible: true,
            placement: [PlacementRow(node: "a", device: "gpu", firstLayer: 0, lastLayer: 9)],
            requests: [
                RequestRecord(id: "r1", origin: "a", arrival: 0, firstToken: 0.5, finish: 2.5,
                              promptTokens: 10, outputTokens: 5, status: "completed"),
                RequestRecord(id: "r2", origin: "a", arrival: 1, firstToken: 1.25, finish: 1.25,
                              promptTokens: 4, outputTokens: 1, status: "completed"),
                RequestRecord(id: "r3", origin: "a", arrival: 2, status: "failed", error: "timeout"),
                RequestRecord(id: "r4", origin: "a", arrival: 3, status: "failed"),
                RequestRecord(id: "r5", origin: "a", arrival: 4, firstToken: 4.5, outputTokens: 3,
                              status: "failed", error: "timeout"),
                RequestRecord(id: "r6", origin: "a", arrival: 5, status: "failed", error: "peer b down"),
            ],
            devices: [DeviceUsage(node: "a", device: "gpu", busySeconds: 2.5, memoryUsedBytes: 3, memoryCapacityBytes: 4),
                      DeviceUsage(node: "b", device: "cpu", busySeconds: 0, memoryUsedBytes: 0, memoryCapacityBytes: 0)],
            simulatedSeconds: simulatedSeconds)
    }

    @Test func metricsOnHandComputedRun() {
        let m = StrategyMetrics(Self.handResult())
        #expect(m.totalRequests == 6)
        #expect(m.completed == 2)
        #expect(m.failed == 4)
        #expect(m.failureReasons == [.init(reason: "timeout", count: 2),
                                     .init(reason: "failed", count: 1),
                                     .init(reason: "peer b down", count: 1)])
        // TTFT 0.5 and 0.25; E2E 2.5 and 0.25; TPOT only r1: (2.5 - 0.5) / 4.
        #expect(m.ttft.count == 2 && m.ttft.p50 == 0.375 && m.ttft.max == 0.5)
        #expect(m.endToEnd.p50 == 1.375)
        #expect(m.tpot.count == 1 && m.tpot.mean == 0.5 && m.tpot.p99 == 0.5)
        // Failed requests' tokens do not count: 6 completed output tokens over 10 s.
        #expect(m.outputTokens == 6)
        #expect(m.promptTokens == 14)
        #expect(m.tokensPerSecond == 0.6)
        #expect(m.devices.map(\.utilization) == [0.25, 0])
        #expect(m.devices.map(\.memoryFraction) == [0.75, nil])
    }

    @Test func zeroLengthRunHasNoRates() {
        let m = StrategyMetrics(Self.handResult(simulatedSeconds: 0))
        #expect(m.tokensPerSecond == nil)
        #expect(m.devices.allSatisfy { $0.utilization == nil })
    }

    @Test func requestOrderDoesNotChangeMetrics() {
        var shuffled = Self.handResult()
        shuffled.requests = [shuffled.requests[4], shuffled.requests[1], shuffled.requests[5],
                             shuffled.requests[0], shuffled.requests[3], shuffled.requests[2]]
        #expect(StrategyMetrics(shuffled) == StrategyMetrics(Self.handResult()))
    }

    @Test func infeasibleStrategyHasEmptyMetrics() {
        let m = StrategyMetrics(ReportsFixtures.infeasible("x"))
        #expect(!m.feasible)
        #expect(m.totalRequests == 0 && m.ttft.count == 0 && m.tpot.p50 == nil)
        #expect(m.tokensPerSecond == nil)
    }

    @Test func placementSummaryLine() {
        let rows = [PlacementRow(node: "mac-mini", device: "gpu", firstLayer: 0, lastLayer: 12),
                    PlacementRow(node: "pc", device: "cuda0", firstLayer: 13, lastLayer: 31)]
        #expect(PlacementSummary.line(rows) == "mac-mini 0-12 | pc 13-31")
        let split = [PlacementRow(node: "pc", device: "cuda0", firstLayer: 0, lastLayer: 0),
                     PlacementRow(node: "pc", device: "cuda1", firstLayer: 1, lastLayer: 7)]
        #expect(PlacementSummary.line(split) == "pc/cuda0 0 | pc/cuda1 1-7")
        #expect(PlacementSummary.line([]) == "—")
    }
}
