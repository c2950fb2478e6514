import OmniEngine

/// Device profiles of common hardware, each figure with its source. Peak FLOPS are the vendor's
/// dense figures for the dtype (GPU shader/tensor throughput for Apple and NVIDIA parts, NEON
/// FMA throughput for the Raspberry Pi CPUs); efficiency factors say what fraction of the peak
/// LLM inference typically achieves (decode is bandwidth-bound, so the bandwidth efficiency is
/// the figure that matters most there).
public enum DevicePresets {
    public struct Preset: Sendable {
        public var profile: DeviceProfile
        public var source: String
    }

    static let GB = 1_000_000_000
    static let GiB = 1_073_741_824

    static func apple(_ id: String, _ name: String, memoryGiB: Int, tflopsF32: Double, bandwidthGBs: Double, source: String) -> Preset {
        // Unified memory: the OS and other apps keep ~25% (macOS caps GPU wired memory near 75%).
        let total = memoryGiB * GiB
        return Preset(profile: DeviceProfile(id: id, name: name, totalMemoryBytes: total, availableMemoryBytes: total * 3 / 4,
                                             processor: name, cores: 8,
                                             peakFlops: .init(f32: tflopsF32 * 1e12, f16: tflopsF32 * 1e12, bf16: tflopsF32 * 1e12),
                                             memoryBandwidthBytesPerSecond: bandwidthGBs * 1e9,
                                             computeEfficiency: 0.6, bandwidthEfficiency: 0.75, stepOverheadSeconds: 0.002),
                      source: source)
    }

    static func nvidia(_ id: String, _ name: String, memoryGiB: Int, f32: Double, f16: Double, bandwidthGBs: Double, source: String) -> Preset {
        let total = memoryGiB * GiB
        return Preset(profile: DeviceProfile(id: id, name: name, totalMemoryBytes: total, availableMemoryBytes: total - 1 * GiB,
                                             processor: name, cores: 1,
                                             peakFlops: .init(f32: f32 * 1e12, f16: f16 * 1e12, bf16: f16 * 1e12),
                                             memoryBandwidthBytesPerSecond: bandwidthGBs * 1e9,
                                             computeEfficiency: 0.5, bandwidthEfficiency: 0.8, stepOverheadSeconds: 0.001),
                      source: source)
    }

    static func board(_ id: String, _ name: String, memoryGiB: Int, gflops: Double, bandwidthGBs: Double, cores: Int, source: String) -> Preset {
        let total = memoryGiB * GiB
        return Preset(profile: DeviceProfile(id: id, name: name, totalMemoryBytes: total, availableMemoryBytes: total - total / 8,
                                             processor: name, cores: cores,
                                             peakFlops: .init(all: gflops * 1e9),
                                             memoryBandwidthBytesPerSecond: bandwidthGBs * 1e9,
                                             computeEfficiency: 0.5, bandwidthEfficiency: 0.6, stepOverheadSeconds: 0.0005),
                      source: source)
    }

    public static let all: [String: Preset] = {
        var p: [String: Preset] = [:]
        let appleSource = "Apple newsroom/spec pages: GPU FP32 TFLOPS and unified-memory bandwidth"
        for gb in [8, 16] { p["macbook-air-m1-\(gb)gb"] = apple("macbook-air-m1-\(gb)gb", "MacBook Air M1 \(gb) GB", memoryGiB: gb, tflopsF32: 2.6, bandwidthGBs: 68.25, source: appleSource + " (M1: 2.6 TFLOPS, 68.25 GB/s)") }
        for gb in [8, 16, 24] { p["macbook-air-m2-\(gb)gb"] = apple("macbook-air-m2-\(gb)gb", "MacBook Air M2 \(gb) GB", memoryGiB: gb, tflopsF32: 3.6, bandwidthGBs: 100, source: appleSource + " (M2: 3.6 TFLOPS, 100 GB/s)") }
        for gb in [16, 32] { p["mac-mini-m2-pro-\(gb)gb"] = apple("mac-mini-m2-pro-\(gb)gb", "Mac mini M2 Pro \(gb) GB", memoryGiB: gb, tflopsF32: 6.8, bandwidthGBs: 200, source: appleSource + " (M2 Pro 19-core GPU: 6.8 TFLOPS, 200 GB/s)") }
        for gb in [8, 16, 24] { p["macbook-air-m3-\(gb)gb"] = apple("macbook-air-m3-\(gb)gb", "MacBook Air M3 \(gb) GB", memoryGiB: gb, tflopsF32: 4.1, bandwidthGBs: 100, source: appleSource + " (M3 10-core GPU: ~4.1 TFLOPS, 100 GB/s)") }
        for gb in [36, 64, 128] { p["macbook-pro-m3-max-\(gb)gb"] = apple("macbook-pro-m3-max-\(gb)gb", "MacBook Pro M3 Max \(gb) GB", memoryGiB: gb, tflopsF32: 16.4, bandwidthGBs: 400, source: appleSource + " (M3 Max 40-core GPU: ~16.4 TFLOPS, 400 GB/s)") }
        for gb in [16, 24, 32] { p["mac-mini-m4-\(gb)gb"] = apple("mac-mini-m4-\(gb)gb", "Mac mini M4 \(gb) GB", memoryGiB: gb, tflopsF32: 4.3, bandwidthGBs: 120, source: appleSource + " (M4 10-core GPU: ~4.3 TFLOPS, 120 GB/s)") }
        for gb in [24, 48, 64] { p["mac-mini-m4-pro-\(gb)gb"] = apple("mac-mini-m4-pro-\(gb)gb", "Mac mini M4 Pro \(gb) GB", memoryGiB: gb, tflopsF32: 8.3, bandwidthGBs: 273, source: appleSource + " (M4 Pro 20-core GPU: ~8.3 TFLOPS, 273 GB/s)") }
        for gb in [36, 64, 128] { p["macbook-pro-m4-max-\(gb)gb"] = apple("macbook-pro-m4-max-\(gb)gb", "MacBook Pro M4 Max \(gb) GB", memoryGiB: gb, tflopsF32: 16.1, bandwidthGBs: 546, source: appleSource + " (M4 Max 40-core GPU: ~16.1 TFLOPS, 546 GB/s)") }
        p["rtx-3090"] = nvidia("rtx-3090", "NVIDIA RTX 3090 (24 GB)", memoryGiB: 24, f32: 35.6, f16: 71, bandwidthGBs: 936, source: "NVIDIA Ampere GA102 whitepaper: 35.6 TFLOPS FP32, 71 TFLOPS FP16 tensor (dense, FP32 acc.), 936 GB/s")
        p["rtx-4090"] = nvidia("rtx-4090", "NVIDIA RTX 4090 (24 GB)", memoryGiB: 24, f32: 82.6, f16: 165.2, bandwidthGBs: 1008, source: "NVIDIA Ada AD102 whitepaper: 82.6 TFLOPS FP32, 165.2 TFLOPS FP16 tensor (dense), 1008 GB/s")
        p["a100-80gb"] = nvidia("a100-80gb", "NVIDIA A100 SXM 80 GB", memoryGiB: 80, f32: 19.5, f16: 312, bandwidthGBs: 2039, source: "NVIDIA A100 datasheet: 19.5 TFLOPS FP32, 312 TFLOPS BF16 (dense), 2039 GB/s")
        p["h100-80gb"] = nvidia("h100-80gb", "NVIDIA H100 SXM 80 GB", memoryGiB: 80, f32: 67, f16: 989, bandwidthGBs: 3350, source: "NVIDIA H100 datasheet: 67 TFLOPS FP32, 989 TFLOPS BF16 (dense), 3.35 TB/s")
        p["jetson-agx-orin-64gb"] = nvidia("jetson-agx-orin-64gb", "NVIDIA Jetson AGX Orin 64 GB", memoryGiB: 64, f32: 5.3, f16: 10.6, bandwidthGBs: 204.8, source: "NVIDIA Jetson AGX Orin datasheet: 5.3 TFLOPS FP32 (2048-core Ampere GPU), 204.8 GB/s")
        for gb in [4, 8] { p["raspberry-pi-4-\(gb)gb"] = board("raspberry-pi-4-\(gb)gb", "Raspberry Pi 4 \(gb) GB", memoryGiB: gb, gflops: 48, bandwidthGBs: 6.4, cores: 4, source: "4x Cortex-A72 @1.5 GHz, 8 FP32 FLOP/cycle/core NEON FMA = 48 GFLOPS; LPDDR4-3200 32-bit, ~6.4 GB/s sustained (STREAM-like reports)") }
        for gb in [4, 8] { p["raspberry-pi-5-\(gb)gb"] = board("raspberry-pi-5-\(gb)gb", "Raspberry Pi 5 \(gb) GB", memoryGiB: gb, gflops: 153.6, bandwidthGBs: 17, cores: 4, source: "4x Cortex-A76 @2.4 GHz, 16 FP32 FLOP/cycle/core (2x128-bit FMA) = 153.6 GFLOPS; LPDDR4X-4267 32-bit = 17 GB/s peak") }
        p["phone-a17-pro"] = board("phone-a17-pro", "Phone (Apple A17 Pro, 8 GB)", memoryGiB: 8, gflops: 2150, bandwidthGBs: 51.2, cores: 6, source: "Apple A17 Pro: 6-core GPU ~2.15 TFLOPS FP32; LPDDR5-6400 64-bit = 51.2 GB/s")
        return p
    }()

    public static var names: [String] { all.keys.sorted() }

    /// The preset name for the machine running the simulation.
    public static let thisMachine = "this-machine"

    /// This machine's profile: memory and cores read from the system, bandwidth and matmul
    /// FLOP/s measured once and cached in the state directory (as `omni serve` does). For
    /// experiments that compare a simulated cluster with this very machine.
    public static func calibratedThisMachine(id: String) -> DeviceProfile {
        let stateDirectory = NodeIdentity.defaultStateDirectory()
        let base = DeviceProfile.thisMachine(id: id)
        return DeviceProfile.thisMachine(id: id, peakFlops: ComputeCalibration.peakFlops(stateDirectory: stateDirectory, processor: base.processor),
                                         memoryBandwidthBytesPerSecond: BandwidthCalibration.bandwidth(stateDirectory: stateDirectory, processor: base.processor))
    }
}
