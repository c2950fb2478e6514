/// Summary statistics of a sample of seconds (TTFT, TPOT, end-to-end latency).
///
/// Percentiles use linear interpolation between closest ranks, numpy's default
/// (`method="linear"`): with the n finite values sorted ascending as x[0]...x[n-1], the
/// p-th percentile (0...100) is at fractional index h = (n - 1) * p / 100 and equals
/// x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).
/// Non-finite values are dropped. An empty sample has count 0 and nil for every statistic.
/// The mean sums the sorted values, so input order never changes a bit of the result.
public struct Distribution: Sendable, Equatable {
    /// Number of finite values in the sample.
    public var count: Int
    public var mean: Double?
    public var min: Double?
    public var p50: Double?
    public var p90: Double?
    public var p99: Double?
    public var max: Double?

    /// Statistics of `values` (any order).
    public init(_ values: [Double]) {
        let sorted = values.filter { $0.isFinite }.sorted()
        count = sorted.count
        guard let first = sorted.first, let last = sorted.last else {
            mean = nil; min = nil; p50 = nil; p90 = nil; p99 = nil; max = nil
            return
        }
        var sum = 0.0
        for v in sorted { sum += v }
        mean = sum / Double(sorted.count)
        min = first
        max = last
        p50 = Distribution.percentile(sortedValues: sorted, 50)
        p90 = Distribution.percentile(sortedValues: sorted, 90)
        p99 = Distribution.percentile(sortedValues: sorted, 99)
    }

    /// The `p`-th percentile (0...100, clamped) of ascending `sortedValues`; nil when empty.
    public static func percentile(sortedValues: [Double], _ p: Double) -> Double? {
        guard !sortedValues.isEmpty else { return nil }
        let clamped = Swift.min(100, Swift.max(0, p.isFinite ? p : 0))
        let h = Double(sortedValues.count - 1) * clamped / 100
        let lower = Int(h.rounded(.down))
        let upper = Swift.min(lower + 1, sortedValues.count - 1)
        let fraction = h - Double(lower)
        return sortedValues[lower] + fraction * (sortedValues[upper] - sortedValues[lower])
    }
}
