import Foundation
import Testing
@testable import OmniKernels

extension KernelSuites {
    /// RMSNorm, SiLU gating, softmax and the vector helpers against double-precision references.
    @Suite struct ElementwiseKernelTests {
        private func relativeError(_ got: Float, _ expected: Double) -> Double {
            abs(Double(got) - expected) / max(abs(expected), 1e-30)
        }

        @Test(arguments: DType.allCases, [KernelRuntime.SIMDLevel.portable, .avx512])
        func rmsNormMatchesLlamaRMSNorm(weightDType: DType, level: KernelRuntime.SIMDLevel) {
            guard availableSIMDLevels.contains(level) else { return }
            KernelRuntime.forceSIMDLevel(level)
            defer { KernelRuntime.forceSIMDLevel(nil) }
            var random = SeededRandom(seed: 6)
            let rows = 40, dim = 2051 // large enough to run rows in parallel
            let eps: Float = 1e-5
            let x = random.floats(rows * dim, scale: 4)
            let weight = StoredMatrix(rows: 1, cols: dim, dtype: weightDType, random: &random)
            var out = [Float](repeating: .nan, count: rows * dim)
            weight.bytes.withUnsafeBytes { w in
                Kernels.rmsNorm(x, weight: w.baseAddress!, weightDType: weightDType, eps: eps, rows: rows, dim: dim, &out)
            }
            var worst = 0.0
            for r in 0..<rows {
                let row = x[(r * dim)..<((r + 1) * dim)]
                let meanSquare = row.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(dim)
                let scale = 1 / (meanSquare + Double(eps)).squareRoot()
                for i in 0..<dim {
                    let expected = Double(weight.values[i]) * (Double(x[r * dim + i]) * scale)
                    worst = max(worst, relativeError(out[r * dim + i], expected))
                }
            }
            #expect(worst <= 1e-6, "worst relative error \(worst)")
        }

        @Test func rmsNormWorksInPlace() {
            var random = SeededRandom(seed: 7)
            let dim = 64
            var x = random.floats(dim)
            let weight = [Float](repeating: 2, count: dim)
            var separate = [Float](repeating: 0, count: dim)
            Kernels.rmsNorm(x, weight: weight, weightDType: .f32, eps: 1e-6, rows: 1, dim: dim, &separate)
            x.withUnsafeMutableBufferPointer { p in
                Kernels.rmsNorm(p.baseAddress!, weight: weight, weightDType: .f32, eps: 1e-6, rows: 1, dim: dim, p.baseAddress!)
            }
            #expect(x == separate)
        }

        @Test(arguments: [KernelRuntime.SIMDLevel.portable, .avx2, .avx512, .neon])
        func siluMulMatchesDefinition(level: KernelRuntime.SIMDLevel) {
            guard availableSIMDLevels.contains(level) else { return }
            KernelRuntime.forceSIMDLevel(level)
            defer { KernelRuntime.forceSIMDLevel(nil) }
            var random = SeededRandom(seed: 8)
            let count = 70_001 // above the parallel threshold
            var gate = random.floats(count, scale: 20)
            gate += [-100, 100, 0, -88, 89]
            let up = random.floats(gate.count, scale: 3)
            let original = gate
            Kernels.siluMul(&gate, up, count: gate.count)
            for i in gate.indices {
                let g = Double(original[i])
                let expected = g / (1 + Foundation.exp(-g)) * Double(up[i])
                #expect(abs(Double(gate[i]) - expected) <= 1e-6 * max(abs(expected), 1e-3), "at \(i)")
            }
        }

        @Test(arguments: [KernelRuntime.SIMDLevel.portable, .avx2, .avx512, .neon])
        func softmaxIsStableAndNormalised(level: KernelRuntime.SIMDLevel) {
            guard availableSIMDLevels.contains(level) else { return }
            KernelRuntime.forceSIMDLevel(level)
            defer { KernelRuntime.forceSIMDLevel(nil) }
            var x: [Float] = [1000, 1001, 999, -.infinity, 0]
            Kernels.softmax(&x, count: x.count)
            let e = [Foundation.exp(-1.0), 1, Foundation.exp(-2.0), 0, 0]
            let total = e.reduce(0, +)
            for i in x.indices { #expect(abs(Double(x[i]) - e[i] / total) <= 1e-6) }

            var random = SeededRandom(seed: 9)
            var y = random.floats(777, scale: 30) + [-200, 80]
            let original = y
            Kernels.softmax(&y, count: y.count)
            let maxValue = Double(original.max()!)
            let exps = original.map { Foundation.exp(Double($0) - maxValue) }
            let sum = exps.reduce(0, +)
            for i in y.indices { #expect(relativeError(y[i], exps[i] / sum) <= 1e-5 || abs(Double(y[i]) - exps[i] / sum) < 1e-12) }

            var masked: [Float] = [-.infinity, -.infinity]
            Kernels.softmax(&masked, count: 2)
            #expect(masked == [0.5, 0.5])
        }

        @Test func rotaryEmbeddingMatchesRotateHalfFormula() {
            var random = SeededRandom(seed: 15)
            let rows = 3, heads = 4, headDim = 10, half = headDim / 2
            let original = random.floats(rows * heads * headDim)
            let angles = (0..<(rows * half)).map { Double($0 % half) * 0.3 + Double($0 / half) }
            let cos = angles.map { Float(Foundation.cos($0)) }, sin = angles.map { Float(Foundation.sin($0)) }
            var x = original
            Kernels.applyRotaryEmbedding(&x, rows: rows, heads: heads, headDim: headDim, cos: cos, sin: sin)
            for r in 0..<rows {
                for h in 0..<heads {
                    let base = (r * heads + h) * headDim
                    for i in 0..<headDim {
                        // x * cos + rotate_half(x) * sin with full-width (duplicated) tables.
                        let c = Double(cos[r * half + i % half]), s = Double(sin[r * half + i % half])
                        let rotated = i < half ? -Double(original[base + i + half]) : Double(original[base + i - half])
                        let expected = Double(original[base + i]) * c + rotated * s
                        #expect(abs(Double(x[base + i]) - expected) <= 1e-6)
                    }
                }
            }
        }

        @Test func vectorHelpers() {
            var random = SeededRandom(seed: 10)
            for count in [0, 1, 7, 8, 9, 100, 1027, 70_001] {
                let a = random.floats(count), b = random.floats(count)
                let dot = Kernels.dot(a, b, count: count)
                let expectedDot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                let magnitude = zip(a, b).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
                #expect(withinProductTolerance(dot, expectedDot, magnitude: magnitude))

                var sum = a
                Kernels.add(&sum, b, count: count)
                #expect(sum == zip(a, b).map { $0 + $1 })

                var y = b
                Kernels.axpy(0.25, a, &y, count: count)
                #expect(zip(y, zip(a, b)).allSatisfy { abs($0 - (0.25 * $1.0 + $1.1)) <= 1e-6 })
            }
        }
    }
}
