import Foundation
import Testing
import OmniEngine
import OmniHDF5
@testable import OmniTrace

@Suite struct LiveTraceRecorderTests {
    func profile() -> DeviceProfile {
        DeviceProfile(id: "n", name: "n", totalMemoryBytes: 1 << 30, availableMemoryBytes: 1 << 30, processor: "test", cores: 1,
                      peakFlops: .init(all: 1e9), memoryBandwidthBytesPerSecond: 1e9)
    }

    @Test func bufferedEventsReachTheFileOnFlushAndClose() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("omni-live-\(UUID().uuidString).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recorder = try LiveTraceRecorder(path: path, node: "a", profile: profile(), command: "test", monotonicNow: 5_000)
        let request = RequestID(origin: "a", sequence: 3)
        recorder.record(NodeTraceEvent(kind: .compute, node: "a", request: request, start: 10, end: 20, layers: 0..<2, detail: "prefill 4"))
        recorder.record(NodeTraceEvent(kind: .send, node: "a", request: request, start: 21, end: 21, bytes: 512, peer: "b", position: 0))
        recorder.record(NodeTraceEvent(kind: .compute, node: "a", request: request, start: 30, end: 35, layers: 0..<2, detail: "decode"))
        recorder.flushPending()
        recorder.record(NodeTraceEvent(kind: .receive, node: "a", request: request, start: 40, end: 40, bytes: 64, peer: "b", position: 4))
        recorder.close()
        let reader = try TraceFileReader(path: path)
        defer { reader.close() }
        let events = try reader.events()
        #expect(events.map(\.kind) == [.prefill, .send, .decode, .receive])
        #expect(events.map(\.startNs) == [10, 21, 30, 40])
        #expect(events[1].tokenIndex == 0 && events[3].tokenIndex == 4)
        #expect(events[0].layerFirst == 0 && events[0].layerLast == 1)
        #expect(Set(events.map(\.request)) == [LiveTraceRecorder.requestNumber(request)])
        let nodes = try reader.nodes().map(\.name)
        #expect(nodes == ["a", "b"])
        #expect(events[1].peer == 1)
        // The file's start time is the wall-clock time of the node clock's zero.
        #expect(abs(Double(reader.run.startTimeUnixNs + 5_000) / 1e9 - Date().timeIntervalSince1970) < 60)
    }

    @Test func requestNumbersAreStableAcrossNodes() {
        let r = RequestID(origin: "node-7", sequence: 42)
        #expect(LiveTraceRecorder.requestNumber(r) == LiveTraceRecorder.requestNumber(RequestID(origin: "node-7", sequence: 42)))
        #expect(LiveTraceRecorder.requestNumber(r) != LiveTraceRecorder.requestNumber(RequestID(origin: "node-8", sequence: 42)))
        #expect(LiveTraceRecorder.requestNumber(r) >= 0)
    }
}
