import Foundation
import OmniEngine
import OmniKernels

/// Builds a `DeviceProfile` of this machine from measurements (memory read bandwidth, matmul
/// throughput per dtype, achieved decode bandwidth), so OmniSim can simulate it ("this machine"
/// in an experiment: `{"id": "me", "profile": "this-machine.json"}`).
public enum Calibration {
    public static func measureThisMachine(id: String = "this-machine", log: (String) -> Void = { _ in }) -> DeviceProfile {
        log("measuring memory read bandwidth...")
        let bandwidth = MemoryBandwidth.measureReadBandwidth(bytes: 1 << 30, repeats: 5)
        log(String(format: "  %.2f GB/s", bandwidth / 1e9))
        log("measuring matmul throughput (f32 and bf16 weights, n=256)...")
        let f32 = KernelBenchmarks.matmulGFLOPs(n: 256, rows: 2048, cols: 2048, dtype: .f32, repeats: 3) * 1e9
        let bf16 = KernelBenchmarks.matmulGFLOPs(n: 256, rows: 2048, cols: 2048, dtype: .bf16, repeats: 3) * 1e9
        let f16 = KernelBenchmarks.matmulGFLOPs(n: 256, rows: 2048, cols: 2048, dtype: .f16, repeats: 3) * 1e9
        log(String(format: "  f32 %.1f, bf16 %.1f, f16 %.1f GFLOP/s", f32 / 1e9, bf16 / 1e9, f16 / 1e9))
        log("measuring decode matvec bandwidth (8192x2048 bf16)...")
        let matvec = KernelBenchmarks.matvecThroughput(rows: 8192, cols: 2048, dtype: .bf16, repeats: 5)
        log(String(format: "  %.2f GB/s (%.0f%% of the read bandwidth)", matvec.gbPerSecond, matvec.ratio * 100))
        // Measured figures are what the machine achieves: they go in as peaks with efficiency 1
        // for compute, and the matvec/bandwidth ratio as the bandwidth efficiency.
        return DeviceProfile.thisMachine(id: id, peakFlops: .init(f32: f32, f16: f16, bf16: bf16),
                                         memoryBandwidthBytesPerSecond: bandwidth, computeEfficiency: 1,
                                         bandwidthEfficiency: min(1, max(0.05, matvec.ratio)), stepOverheadSeconds: 0.0002)
    }
}
