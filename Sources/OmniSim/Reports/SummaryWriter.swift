/// Writes `summary.json` and `summary.csv`: one entry per strategy, in the order given.
///
/// Seconds, ratios and tokens/s are written with 6 decimals; missing figures are `null`
/// in JSON and empty fields in CSV.
public enum SummaryWriter {
    /// Decimals of every float in the summaries.
    public static let digits = 6

    /// The percentile method, as recorded in summary.json.
    public static let percentileMethod =
        "linear interpolation between closest ranks (numpy default); completed requests only"

    // MARK: JSON

    /// The summary.json document.
    public static func json(experiment: String, seed: UInt64, model: String,
                            results: [StrategyResult]) -> String {
        let strategies = results.map { strategyJSON($0, StrategyMetrics($0)) }
        let doc = ReportJSON.object([
            ("format", .string("omni-sim summary")),
            ("format_version", .int(1)),
            ("experiment", .string(experiment)),
            ("seed", .uint(seed)),
            ("model", .string(model)),
            ("percentile_method", .string(percentileMethod)),
            ("strategies", .array(strategies)),
        ])
        return doc.rendered(indent: 2) + "\n"
    }

    static func strategyJSON(_ r: StrategyResult, _ m: StrategyMetrics) -> ReportJSON {
        .object([
            ("name", .string(r.strategy)),
            ("feasible", .bool(r.feasible)),
            ("infeasible_reason", .string(r.infeasibleReason)),
            ("placement_summary", .string(PlacementSummary.line(r.placement))),
            ("placement", .array(r.placement.map(placementJSON))),
            ("simulated_seconds", .number(r.simulatedSeconds, digits: digits)),
            ("predicted_seconds_per_token", .number(r.predictedSecondsPerToken, digits: digits)),
            ("metrics", metricsJSON(m)),
            ("devices", .array(m.devices.map(deviceJSON))),
        ])
    }

    static func placementJSON(_ row: PlacementRow) -> ReportJSON {
        .object([
            ("node", .string(row.node)),
            ("device", .string(row.device)),
            ("first_layer", .int(Int64(row.firstLayer))),
            ("last_layer", .int(Int64(row.lastLayer))),
            ("layers", .int(Int64(row.lastLayer - row.firstLayer + 1))),
            ("weight_bytes", .int(Int64(row.weightBytes))),
            ("kv_bytes", .int(Int64(row.kvBytes))),
        ])
    }

    static func metricsJSON(_ m: StrategyMetrics) -> ReportJSON {
        .object([
            ("requests", .int(Int64(m.totalRequests))),
            ("completed", .int(Int64(m.completed))),
            ("failed", .int(Int64(m.failed))),
            ("failure_reasons", .array(m.failureReasons.map {
                .object([("reason", .string($0.reason)), ("count", .int(Int64($0.count)))])
            })),
            ("output_tokens", .int(Int64(m.outputTokens))),
            ("prompt_tokens", .int(Int64(m.promptTokens))),
            ("tokens_per_second", .number(m.tokensPerSecond, digits: digits)),
            ("ttft_seconds", distributionJSON(m.ttft)),
            ("tpot_seconds", distributionJSON(m.tpot)),
            ("e2e_seconds", distributionJSON(m.endToEnd)),
        ])
    }

    static func distributionJSON(_ d: Distribution) -> ReportJSON {
        .object([
            ("count", .int(Int64(d.count))),
            ("mean", .number(d.mean, digits: digits)),
            ("min", .number(d.min, digits: digits)),
            ("p50", .number(d.p50, digits: digits)),
            ("p90", .number(d.p90, digits: digits)),
            ("p99", .number(d.p99, digits: digits)),
            ("max", .number(d.max, digits: digits)),
        ])
    }

    static func deviceJSON(_ d: StrategyMetrics.DeviceMetrics) -> ReportJSON {
        .object([
            ("node", .string(d.node)),
            ("device", .string(d.device)),
            ("busy_seconds", .number(d.busySeconds, digits: digits)),
            ("utilization", .number(d.utilization, digits: digits)),
            ("memory_used_bytes", .int(Int64(d.memoryUsedBytes))),
            ("memory_capacity_bytes", .int(Int64(d.memoryCapacityBytes))),
            ("memory_fraction", .number(d.memoryFraction, digits: digits)),
        ])
    }

    // MARK: CSV

    /// The columns of summary.csv, in order, with what each holds. Times are seconds.
    public static let csvColumns: [(name: String, meaning: String)] = [
        ("strategy", "strategy name"),
        ("feasible", "true or false"),
        ("infeasible_reason", "why the strategy does not fit (empty when feasible)"),
        ("placement", "shard table as \"node first-last | ...\" in pipeline order"),
        ("requests", "requests seen"),
        ("completed", "requests completed"),
        ("failed", "requests not completed"),
        ("failure_reasons", "\"reason (count)\" groups joined by \"; \", most frequent first"),
        ("output_tokens", "output tokens of completed requests"),
        ("tokens_per_second", "output_tokens / simulated_seconds"),
        ("ttft_p50_s", "time to first token, median"),
        ("ttft_p90_s", "time to first token, 90th percentile"),
        ("ttft_p99_s", "time to first token, 99th percentile"),
        ("tpot_mean_s", "time per output token after the first, mean over requests"),
        ("tpot_p50_s", "time per output token, median"),
        ("tpot_p90_s", "time per output token, 90th percentile"),
        ("tpot_p99_s", "time per output token, 99th percentile"),
        ("e2e_p50_s", "arrival to finish, median"),
        ("e2e_p90_s", "arrival to finish, 90th percentile"),
        ("e2e_p99_s", "arrival to finish, 99th percentile"),
        ("simulated_seconds", "virtual time span of the run"),
        ("predicted_seconds_per_token", "cost model prediction for the placement"),
    ]

    /// The summary.csv text: a header row, then one row per strategy.
    public static func csv(results: [StrategyResult]) -> String {
        var text = CSV.record(csvColumns.map(\.name))
        for r in results {
            let m = StrategyMetrics(r)
            let f = { (v: Double?) in NumberFormat.fixed(v, digits: digits, missing: "") }
            let row: [String] = [
                r.strategy,
                r.feasible ? "true" : "false",
                r.infeasibleReason ?? "",
                r.placement.isEmpty ? "" : PlacementSummary.line(r.placement),
                String(m.totalRequests),
                String(m.completed),
                String(m.failed),
                m.failureReasons.map { "\($0.reason) (\($0.count))" }.joined(separator: "; "),
                String(m.outputTokens),
                f(m.tokensPerSecond),
                f(m.ttft.p50), f(m.ttft.p90), f(m.ttft.p99),
                f(m.tpot.mean), f(m.tpot.p50), f(m.tpot.p90), f(m.tpot.p99),
                f(m.endToEnd.p50), f(m.endToEnd.p90), f(m.endToEnd.p99),
                f(r.simulatedSeconds),
                f(r.predictedSecondsPerToken),
            ]
            text += CSV.record(row)
        }
        return text
    }
}
