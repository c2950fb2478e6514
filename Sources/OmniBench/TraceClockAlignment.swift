import Foundation
import OmniHDF5

/// Estimates the clock offsets between the per-node trace files of one live run from message
/// round trips, NTP style: for two nodes X and Y that sent each other forwarded activations,
/// the smallest observed one-way delays d(X→Y) and d(Y→X) (matched by request and position)
/// give Y's clock error relative to X as (d(X→Y) − d(Y→X)) / 2, assuming the fastest messages
/// took equally long both ways. Nodes with no round trip to the first file's node keep the
/// alignment by recorded wall-clock start times.
public enum TraceClockAlignment {
    public struct Estimate: Sendable, Equatable {
        /// Correction (ns) to add to each file's times, in input order (for `TraceMerge`).
        public var offsetsNs: [Int64]
        /// Files whose offset came from round trips or that are the reference (the others rely
        /// on start times).
        public var measured: [Bool]
    }

    struct Key: Hashable {
        var request: Int64
        var position: Int64
        var from: String
        var to: String
    }

    public static func estimate(files: [String]) throws -> Estimate {
        guard !files.isEmpty else { return Estimate(offsetsNs: [], measured: []) }
        let readers = try files.map { try TraceFileReader(path: $0) }
        defer { readers.forEach { $0.close() } }
        let referenceStart = readers[0].run.startTimeUnixNs
        var sends: [Key: Int64] = [:], receives: [Key: Int64] = [:]
        var fileOfNode: [String: Int] = [:]
        for (i, reader) in readers.enumerated() {
            let names = Dictionary(uniqueKeysWithValues: try reader.nodes().map { ($0.index, $0.name) })
            let shift = reader.run.startTimeUnixNs - referenceStart
            if let own = names[0] { fileOfNode[own] = i }
            for e in try reader.events() where e.tokenIndex >= 0 && e.peer >= 0 {
                guard let node = names[e.node], let peer = names[e.peer] else { continue }
                if e.kind == .send {
                    sends[Key(request: e.request, position: e.tokenIndex, from: node, to: peer)] = e.startNs + shift
                } else if e.kind == .receive {
                    receives[Key(request: e.request, position: e.tokenIndex, from: peer, to: node)] = e.startNs + shift
                }
            }
        }
        // Smallest one-way delay per directed pair of files.
        var minDelay: [[Int64?]] = Array(repeating: Array(repeating: nil, count: files.count), count: files.count)
        for (key, sent) in sends {
            guard let received = receives[key], let x = fileOfNode[key.from], let y = fileOfNode[key.to], x != y else { continue }
            let d = received - sent
            minDelay[x][y] = min(minDelay[x][y] ?? d, d)
        }
        var offsets = [Int64](repeating: 0, count: files.count)
        var measured = [Bool](repeating: false, count: files.count)
        measured[0] = true
        var frontier = [0]
        while let x = frontier.popLast() {
            for y in 0..<files.count where !measured[y] {
                guard let xy = minDelay[x][y], let yx = minDelay[y][x] else { continue }
                offsets[y] = offsets[x] - (xy - yx) / 2
                measured[y] = true
                frontier.append(y)
            }
        }
        return Estimate(offsetsNs: offsets, measured: measured)
    }
}
