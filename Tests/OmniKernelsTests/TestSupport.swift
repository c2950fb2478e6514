import OmniKernels
import Testing

/// Parent of every suite here: serialized, because tests switch the global SIMD path and thread count.
@Suite(.serialized) enum KernelSuites {}

/// A small seeded generator so test inputs are the same on every run.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    mutating func nextFloat() -> Float {
        Float(next() >> 40) / Float(1 << 24) * 2 - 1
    }

    mutating func floats(_ count: Int, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in nextFloat() * scale }
    }
}

/// A weight matrix stored in a byte array of its dtype, with the exact f32 values it holds.
struct StoredMatrix {
    let rows: Int
    let cols: Int
    let dtype: DType
    let bytes: [UInt8]
    /// The values the stored elements represent (after rounding to the dtype).
    let values: [Float]

    init(rows: Int, cols: Int, dtype: DType, random: inout SeededRandom) {
        self.rows = rows
        self.cols = cols
        self.dtype = dtype
        let source = random.floats(rows * cols)
        var bytes = [UInt8](repeating: 0, count: rows * cols * dtype.byteSize)
        var values = [Float](repeating: 0, count: rows * cols)
        source.withUnsafeBufferPointer { src in
            bytes.withUnsafeMutableBytes { dst in
                Kernels.fromFloat(src.baseAddress!, count: src.count, dtype: dtype, dst.baseAddress!)
                values.withUnsafeMutableBufferPointer { out in
                    Kernels.toFloat(UnsafeRawPointer(dst.baseAddress!), dtype: dtype, count: src.count, out.baseAddress!)
                }
            }
        }
        self.bytes = bytes
        self.values = values
    }

    func withMatrix<R>(_ body: (WeightMatrix) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in
            try body(WeightMatrix(rows: rows, cols: cols, dtype: dtype, base: raw.baseAddress!))
        }
    }

    /// Double-precision y = W x and the magnitude sum |W||x| per row (the scale of rounding error).
    func reference(_ x: ArraySlice<Float>) -> (values: [Double], magnitudes: [Double]) {
        var ys = [Double](repeating: 0, count: rows)
        var mags = [Double](repeating: 0, count: rows)
        let x0 = x.startIndex
        for r in 0..<rows {
            var sum = 0.0, mag = 0.0
            for c in 0..<cols {
                let p = Double(values[r * cols + c]) * Double(x[x0 + c])
                sum += p
                mag += abs(p)
            }
            ys[r] = sum
            mags[r] = mag
        }
        return (ys, mags)
    }
}

/// Stated accuracy of f32 matrix products: error at most 1e-5 of sum |w*x| (plus a tiny absolute floor).
func withinProductTolerance(_ value: Float, _ reference: Double, magnitude: Double) -> Bool {
    abs(Double(value) - reference) <= 1e-5 * magnitude + 1e-30
}

/// The SIMD paths this machine can run (the portable one always).
var availableSIMDLevels: [KernelRuntime.SIMDLevel] {
    KernelRuntime.forceSIMDLevel(nil)
    let widest = KernelRuntime.simdLevel
    switch widest {
    case .avx512: return [.portable, .avx2, .avx512]
    case .avx2: return [.portable, .avx2]
    case .neon: return [.portable, .neon]
    case .portable: return [.portable]
    }
}
