import Foundation

/// Measures how fast `TraceFileWriter` appends events, for the tracing-overhead budget
/// (tracing should cost at most ~3% of simulation time). Prints nothing; callers report.
public enum TraceBenchmark {
    /// Figures of one run.
    public struct Figures: Sendable, Equatable {
        public var events: Int
        /// Wall time from the first `record` to the end of `close()` (final flush included).
        public var seconds: Double
        public var eventsPerSecond: Double
        public var nanosecondsPerEvent: Double
        /// Size of the finished file.
        public var fileBytes: Int
        /// Uncompressed bytes of the event rows (events × packed row size).
        public var rawEventBytes: Int
    }

    /// The synthetic event `i` of the benchmark: increasing times with deterministic jitter,
    /// cycling kinds, nodes and layers, roughly what a decode-heavy simulation emits.
    public static func syntheticEvent(_ i: Int) -> TraceEvent {
        let kind = TraceEventKind(rawValue: Int32(i % 6))
        let noise = UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15
        let start = Int64(i) * 1_250 + Int64(noise >> 54)
        let duration = 900 + Int64((noise >> 32) & 0xFFF)
        return TraceEvent(startNs: start, endNs: start + duration, node: Int32(i % 8),
                          kind: kind, request: Int64(i / 64), tokenIndex: Int64(i % 512),
                          bytes: kind == .send ? 16_384 + Int64((noise >> 20) & 0x3FF) * 4 : 0,
                          layerFirst: Int32(i % 8) * 10, layerLast: Int32(i % 8) * 10 + 9,
                          peer: kind == .send || kind == .receive ? Int32((i + 1) % 8) : -1)
    }

    /// Writes `events` synthetic events to `path` (replacing it) and times it.
    public static func measureEventAppend(path: String, events: Int,
                                          options: TraceWriterOptions = TraceWriterOptions()) throws -> Figures {
        let run = TraceRunInfo(omniVersion: "benchmark", runKind: .sim, experiment: "trace-append", startTimeUnixNs: 0)
        let writer = try TraceFileWriter(path: path, run: run, options: options)
        for node in 0..<8 {
            try writer.add(TraceNode(index: Int32(node), name: "node-\(node)", profileJSON: "{}"))
        }
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<events { try writer.record(syntheticEvent(i)) }
        try writer.close()
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Figures(events: events, seconds: seconds,
                       eventsPerSecond: seconds > 0 ? Double(events) / seconds : 0,
                       nanosecondsPerEvent: events > 0 ? seconds * 1e9 / Double(events) : 0,
                       fileBytes: size, rawEventBytes: events * TraceSchema.eventColumns.rowSize)
    }
}
