import Foundation
import Testing
@testable import OmniEngine

@Suite struct PlacementCodableTests {
    let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        return e
    }()

    @Test func placementRoundTripsWithSnakeCaseKeys() throws {
        let p = Placement(epoch: 42, modelName: "llama-3.1-8b", numLayers: 32,
                          shards: [ShardAssignment(node: "a", start: 0, end: 20), ShardAssignment(node: "b", start: 20, end: 32)])
        let data = try encoder.encode(p)
        #expect(String(decoding: data, as: UTF8.self)
                == #"{"epoch":42,"model_name":"llama-3.1-8b","num_layers":32,"shards":[{"end":20,"node":"a","start":0},{"end":32,"node":"b","start":20}]}"#)
        #expect(try JSONDecoder().decode(Placement.self, from: data) == p)
    }

    @Test func deviceProfileRoundTripsWithSnakeCaseKeys() throws {
        let d = DeviceProfile(id: "mac", name: "Mac Studio", totalMemoryBytes: 192 << 30, availableMemoryBytes: 180 << 30,
                              processor: "Apple M2 Ultra", cores: 24, peakFlops: .init(f32: 2.7e13, f16: 5.4e13, bf16: 5.4e13),
                              memoryBandwidthBytesPerSecond: 8e11, computeEfficiency: 0.6, bandwidthEfficiency: 0.8,
                              stepOverheadSeconds: 2e-4)
        let data = try encoder.encode(d)
        let text = String(decoding: data, as: UTF8.self)
        for key in ["total_memory_bytes", "available_memory_bytes", "peak_flops", "bf16", "memory_bandwidth_bytes_per_second",
                    "compute_efficiency", "bandwidth_efficiency", "step_overhead_seconds", "processor", "cores"] {
            #expect(text.contains("\"\(key)\""), "\(key)")
        }
        #expect(try JSONDecoder().decode(DeviceProfile.self, from: data) == d)
    }

    @Test func deviceProfileDefaultsAndValidation() throws {
        let minimal = #"{"id":"x","total_memory_bytes":1000,"peak_flops":{"f32":1,"f16":2,"bf16":2},"memory_bandwidth_bytes_per_second":5}"#
        let d = try JSONDecoder().decode(DeviceProfile.self, from: Data(minimal.utf8))
        #expect(d.availableMemoryBytes == 1000 && d.computeEfficiency == 1 && d.stepOverheadSeconds == 0 && d.name == "x")
        let tooMuch = #"{"id":"x","total_memory_bytes":1000,"available_memory_bytes":2000,"peak_flops":{"f32":1,"f16":2,"bf16":2},"memory_bandwidth_bytes_per_second":5}"#
        #expect(throws: PlacementError.invalidDevice(node: "x", field: "available_memory_bytes", reason: "(2000) exceeds total_memory_bytes (1000)")) {
            try JSONDecoder().decode(DeviceProfile.self, from: Data(tooMuch.utf8))
        }
        let badEfficiency = #"{"id":"x","total_memory_bytes":1,"peak_flops":{"f32":1,"f16":2,"bf16":2},"memory_bandwidth_bytes_per_second":5,"compute_efficiency":1.5}"#
        #expect(throws: PlacementError.invalidDevice(node: "x", field: "compute_efficiency", reason: "must be in (0, 1], got 1.5")) {
            try JSONDecoder().decode(DeviceProfile.self, from: Data(badEfficiency.utf8))
        }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(DeviceProfile.self, from: Data("{\"id\":3}".utf8)) }
        let message = PlacementError.invalidDevice(node: "x", field: "cores", reason: "must be at least 1, got 0").errorDescription
        #expect(message == "device profile of node x: cores must be at least 1, got 0")
    }

    @Test func nodeIDEncodesAsAString() throws {
        #expect(String(decoding: try encoder.encode([NodeID("n1")]), as: UTF8.self) == #"["n1"]"#)
        #expect(NodeID("a") < NodeID("b") && NodeID("B") < NodeID("a"))
    }
}
