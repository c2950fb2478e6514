/// Figures derived from one `StrategyResult`, in the units the reports print.
///
/// Definitions (all times in seconds):
/// - Latency samples use completed requests only (`status == "completed"`).
/// - TTFT = firstToken - arrival, for completed requests with a first token.
/// - TPOT = (finish - firstToken) / (outputTokens - 1), for completed requests with a first
///   token, a finish and at least 2 output tokens; `tpot.mean` is the mean of these per-request
///   values (every request weighs the same).
/// - End-to-end = finish - arrival, for completed requests with a finish.
/// - Throughput = output tokens of completed requests / simulatedSeconds (nil when the run
///   spans no time).
/// - Any status other than "completed" counts as failed; failures are grouped by `error`
///   (or by the status when there is no error text), most frequent first, then by reason.
/// - Device utilization = busySeconds / simulatedSeconds (nil when the run spans no time).
/// See `Distribution` for the percentile definition.
public struct StrategyMetrics: Sendable, Equatable {
    /// Requests that failed for one reason.
    public struct FailureGroup: Sendable, Equatable {
        public var reason: String
        public var count: Int
    }

    /// One device's usage relative to the run.
    public struct DeviceMetrics: Sendable, Equatable {
        public var node: String
        public var device: String
        public var busySeconds: Double
        /// busySeconds / simulatedSeconds; nil when the run spans no time.
        public var utilization: Double?
        public var memoryUsedBytes: Int
        public var memoryCapacityBytes: Int
        /// memoryUsedBytes / memoryCapacityBytes; nil when the capacity is not positive.
        public var memoryFraction: Double?
    }

    public var strategy: String
    public var feasible: Bool
    public var totalRequests: Int
    public var completed: Int
    public var failed: Int
    public var failureReasons: [FailureGroup]
    public var ttft: Distribution
    public var tpot: Distribution
    public var endToEnd: Distribution
    /// Output tokens of completed requests.
    public var outputTokens: Int
    /// Prompt tokens of completed requests.
    public var promptTokens: Int
    /// Output tokens of completed requests per simulated second.
    public var tokensPerSecond: Double?
    public var simulatedSeconds: Double
    public var predictedSecondsPerToken: Double?
    public var devices: [DeviceMetrics]

    /// Computes the metrics of `result`; the order of `result.requests` does not matter.
    public init(_ result: StrategyResult) {
        strategy = result.strategy
        feasible = result.feasible
        simulatedSeconds = result.simulatedSeconds
        predictedSecondsPerToken = result.predictedSecondsPerToken
        totalRequests = result.requests.count

        var reasons: [String: Int] = [:]
        var done = 0
        var outTokens = 0
        var inTokens = 0
        for r in result.requests {
            guard r.status == RequestRecord.completedStatus else {
                let reason = r.error ?? (r.status.isEmpty ? "unknown" : r.status)
                reasons[reason, default: 0] += 1
                continue
            }
            done += 1
            outTokens += r.outputTokens
            inTokens += r.promptTokens
        }
        completed = done
        failed = result.requests.count - done
        outputTokens = outTokens
        promptTokens = inTokens
        failureReasons = reasons.map { FailureGroup(reason: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.reason < $1.reason }
        ttft = Distribution(StrategyMetrics.samples(.ttft, of: result))
        tpot = Distribution(StrategyMetrics.samples(.tpot, of: result))
        endToEnd = Distribution(StrategyMetrics.samples(.endToEnd, of: result))
        let span = result.simulatedSeconds
        let hasSpan = span.isFinite && span > 0
        tokensPerSecond = hasSpan ? Double(outTokens) / span : nil
        devices = result.devices.map { d in
            DeviceMetrics(
                node: d.node, device: d.device, busySeconds: d.busySeconds,
                utilization: hasSpan ? d.busySeconds / span : nil,
                memoryUsedBytes: d.memoryUsedBytes, memoryCapacityBytes: d.memoryCapacityBytes,
                memoryFraction: d.memoryCapacityBytes > 0
                    ? Double(d.memoryUsedBytes) / Double(d.memoryCapacityBytes) : nil)
        }
    }

    /// The per-request values of `metric` (definitions above), finite ones only, ascending.
    public static func samples(_ metric: LatencyMetric, of result: StrategyResult) -> [Double] {
        var values: [Double] = []
        for r in result.requests where r.status == RequestRecord.completedStatus {
            switch metric {
            case .ttft:
                if let first = r.firstToken { values.append(first - r.arrival) }
            case .tpot:
                if let first = r.firstToken, let finish = r.finish, r.outputTokens >= 2 {
                    values.append((finish - first) / Double(r.outputTokens - 1))
                }
            case .endToEnd:
                if let finish = r.finish { values.append(finish - r.arrival) }
            }
        }
        return values.filter { $0.isFinite }.sorted()
    }
}

/// A per-request latency measure.
public enum LatencyMetric: String, Sendable, CaseIterable {
    /// Time to first token: firstToken - arrival.
    case ttft
    /// Time per output token after the first: (finish - firstToken) / (outputTokens - 1).
    case tpot
    /// End-to-end latency: finish - arrival.
    case endToEnd = "e2e"

    /// Human-readable name for plot axes and legends.
    public var title: String {
        switch self {
        case .ttft: return "time to first token"
        case .tpot: return "time per output token"
        case .endToEnd: return "end-to-end latency"
        }
    }
}
