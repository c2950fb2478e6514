import Foundation
import OmniKernels

/// A quick measurement of this machine's matrix-multiply throughput (FLOP/s with F32 and BF16
/// weights, the prefill kernels), cached in the state directory (`compute.json`) next to the
/// bandwidth figure, for the node's device profile.
public enum ComputeCalibration {
    public static let fileName = "compute.json"

    struct Cached: Codable {
        var f32_flops: Double
        var bf16_flops: Double
        var processor: String
    }

    /// Cached figures for this processor, or a fresh ~0.5 s measurement (stored when possible).
    public static func peakFlops(stateDirectory: String, processor: String) -> DeviceProfile.PeakFlops? {
        let file = URL(fileURLWithPath: stateDirectory).appendingPathComponent(fileName)
        if let data = try? Data(contentsOf: file), let c = try? JSONDecoder().decode(Cached.self, from: data),
           c.processor == processor, c.f32_flops > 0, c.bf16_flops > 0 {
            return .init(f32: c.f32_flops, f16: c.bf16_flops, bf16: c.bf16_flops)
        }
        guard let f32 = measure(.f32), let bf16 = measure(.bf16) else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if let data = try? encoder.encode(Cached(f32_flops: f32, bf16_flops: bf16, processor: processor)) {
            try? FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
            try? data.write(to: file, options: .atomic)
        }
        return .init(f32: f32, f16: bf16, bf16: bf16)
    }

    /// Best of a few [128 x 1024] x [1024 -> 1024] products.
    static func measure(_ dtype: DType) -> Double? {
        let rows = 1024, cols = 1024, n = 128
        let weights = UnsafeMutableRawPointer.allocate(byteCount: rows * cols * dtype.byteSize, alignment: 64)
        let x = UnsafeMutablePointer<Float>.allocate(capacity: n * cols)
        let y = UnsafeMutablePointer<Float>.allocate(capacity: n * rows)
        defer { weights.deallocate(); x.deallocate(); y.deallocate() }
        let ones = [Float](repeating: 0.01, count: rows * cols)
        ones.withUnsafeBufferPointer { Kernels.fromFloat($0.baseAddress!, count: rows * cols, dtype: dtype, weights) }
        for i in 0..<(n * cols) { x[i] = Float(i % 7) * 0.1 }
        let matrix = WeightMatrix(rows: rows, cols: cols, dtype: dtype, base: UnsafeRawPointer(weights))
        var best = Double.infinity
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            Kernels.matmul(matrix, x, rows: n, y)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = min(best, seconds)
        }
        guard best.isFinite, best > 0 else { return nil }
        return 2 * Double(n * rows * cols) / best
    }
}
