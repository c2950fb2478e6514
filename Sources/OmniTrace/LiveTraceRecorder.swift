import Foundation
import OmniEngine
import OmniHDF5

/// Writes what one live node does (`omni serve --trace FILE`) in OMNI's HDF5 trace schema:
/// the node's trace effects become `/events` rows with the node's monotonic clock, flushed every
/// `flushEvery` events and every second (the serve command's timer), so a node killed at any time
/// leaves a readable file with
/// everything up to the last flush. `start_time_unix_ns` lets `omni-bench merge-traces` align
/// the files of several nodes.
public final class LiveTraceRecorder: @unchecked Sendable {
    private let writer: TraceFileWriter
    private let lock = NSLock()
    private var nodeIndex: [NodeID: Int32] = [:]
    private var pending = 0
    private let flushEvery: Int

    /// `monotonicNow` is the node clock's reading now, so the file's start time is the wall-clock
    /// time of the node clock's zero.
    public init(path: String, node: NodeID, profile: DeviceProfile, command: String, monotonicNow: UInt64,
         flushEvery: Int = 4096) throws {
        try? FileManager.default.removeItem(atPath: path)
        let run = TraceRunInfo(omniVersion: OmniVersion.string, runKind: .live, command: command,
                               startTimeUnixNs: Int64(Date().timeIntervalSince1970 * 1e9) - Int64(monotonicNow), recorder: node.description)
        writer = try TraceFileWriter(path: path, run: run, options: TraceWriterOptions(flushEveryEvents: flushEvery))
        self.flushEvery = flushEvery
        let json = (try? JSONEncoder().encode(profile)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        nodeIndex[node] = 0
        try writer.add(TraceNode(index: 0, name: node.description, profileJSON: json))
    }

    /// The same request id on every node's file: a hash of the origin and its sequence number.
    public static func requestNumber(_ r: RequestID) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in r.origin.description.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int64(bitPattern: (h & 0x7FFF_FFFF_FFF0_0000) | (r.sequence & 0xF_FFFF))
    }

    private func index(of node: NodeID) throws -> Int32 {
        if let i = nodeIndex[node] { return i }
        let i = Int32(nodeIndex.count)
        nodeIndex[node] = i
        try writer.add(TraceNode(index: i, name: node.description, profileJSON: "{}"))
        return i
    }

    private static let kinds: [NodeTraceEvent.Kind: TraceEventKind] = [
        .queueWait: .queueWait, .compute: .decode, .send: .send, .receive: .receive, .sample: .sample, .fault: .fault, .request: .admit,
    ]
    /// Events waiting for the writer thread (the node's loop only appends here).
    private var buffered: [NodeTraceEvent] = []
    private let bufferLock = NSLock()

    /// Called on the node's loop: only buffers the event; `flushPending` (every second, on
    /// another thread) writes and flushes.
    public func record(_ e: NodeTraceEvent) {
        bufferLock.lock()
        buffered.append(e)
        let full = buffered.count >= flushEvery
        bufferLock.unlock()
        if full { DispatchQueue.global().async { self.flushPending() } }
    }

    private func writeBuffered() throws {
        bufferLock.lock()
        let events = buffered
        buffered.removeAll(keepingCapacity: true)
        bufferLock.unlock()
        var rows: [TraceEvent] = []
        rows.reserveCapacity(events.count)
        for e in events {
            guard var kind = Self.kinds[e.kind] else { continue }
            if e.kind == .compute && e.detail.hasPrefix("prefill") { kind = .prefill }
            if e.kind == .request && e.detail.hasPrefix("finished") { kind = .finish }
            rows.append(TraceEvent(startNs: Int64(e.start), endNs: Int64(e.end), node: try index(of: e.node), kind: kind,
                                   request: e.request.map(Self.requestNumber) ?? -1, tokenIndex: Int64(e.position ?? -1),
                                   bytes: Int64(e.bytes),
                                   layerFirst: e.layers.map { Int32($0.lowerBound) } ?? -1,
                                   layerLast: e.layers.map { Int32($0.upperBound - 1) } ?? -1,
                                   peer: try e.peer.map(index(of:)) ?? -1))
        }
        try writer.record(contentsOf: rows)
        pending += rows.count
    }

    /// Writes a request's captured hidden states (`/activations/<request>/<layer>`).
    public func record(activations: [CapturedActivation], request: RequestID, shard: Range<Int>?) {
        lock.lock(); defer { lock.unlock() }
        do {
            for a in activations {
                try writer.writeActivation(TraceActivation(request: Self.requestNumber(request), layer: Int32(a.layer),
                                                           shape: [a.positions.count, a.width], values: a.values,
                                                           positions: a.positions.map(Int64.init), dtype: "float32", node: 0,
                                                           shardFirst: Int32(shard?.lowerBound ?? -1), shardLast: Int32((shard?.upperBound ?? 0) - 1)))
            }
        } catch {
            printTraceError(error)
        }
    }

    /// Writes buffered events and flushes the file (every second from a timer, so an idle
    /// node's last events reach the file too, and whenever the buffer fills).
    public func flushPending() {
        lock.lock(); defer { lock.unlock() }
        do {
            try writeBuffered()
            guard pending > 0 else { return }
            try flushLocked()
        } catch { printTraceError(error) }
    }

    private func flushLocked() throws {
        try writer.flush()
        pending = 0
    }

    public func close() {
        lock.lock(); defer { lock.unlock() }
        do {
            try writeBuffered()
            try writer.close()
        } catch { printTraceError(error) }
    }

    private func printTraceError(_ error: Error) {
        FileHandle.standardError.write(Data("trace: \(error.localizedDescription)\n".utf8))
    }
}
