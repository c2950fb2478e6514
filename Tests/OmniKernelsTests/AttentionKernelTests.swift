import Foundation
import Testing
@testable import OmniKernels

extension KernelSuites {
    /// Grouped-query causal attention against a double-precision reference.
    @Suite struct AttentionKernelTests {
        /// out[i, h, :] = sum_p softmax_p(scale * q[i,h]·k[p,g]) v[p,g], p <= length - n + i, g = h / (heads / kvHeads).
        private func reference(q: [Float], n: Int, heads: Int, kvHeads: Int, headDim: Int, keys: [Float], values: [Float],
                               stride: Int, length: Int, scale: Float) -> [Double] {
            var out = [Double](repeating: 0, count: n * heads * headDim)
            let group = heads / kvHeads
            for i in 0..<n {
                let last = length - n + i
                for h in 0..<heads {
                    let g = h / group
                    var scores = (0...last).map { p -> Double in
                        var s = 0.0
                        for d in 0..<headDim {
                            s += Double(q[(i * heads + h) * headDim + d]) * Double(keys[p * stride + g * headDim + d])
                        }
                        return s * Double(scale)
                    }
                    let m = scores.max()!
                    scores = scores.map { Foundation.exp($0 - m) }
                    let total = scores.reduce(0, +)
                    for d in 0..<headDim {
                        var acc = 0.0
                        for p in 0...last { acc += scores[p] / total * Double(values[p * stride + g * headDim + d]) }
                        out[(i * heads + h) * headDim + d] = acc
                    }
                }
            }
            return out
        }

        @Test(arguments: [(1, 9), (5, 9), (70, 75), (1, 1)])
        func attentionMatchesReference(n: Int, length: Int) throws {
            var random = SeededRandom(seed: 14)
            let heads = 8, kvHeads = 2, headDim = 24
            let stride = kvHeads * headDim + 3 // padding between positions must be skipped
            let q = random.floats(n * heads * headDim, scale: 2)
            let keys = random.floats(length * stride, scale: 2)
            let values = random.floats(length * stride)
            let scale = 1 / Float(headDim).squareRoot()
            var out = [Float](repeating: .nan, count: n * heads * headDim)
            try Kernels.attention(queries: q, count: n, heads: heads, kvHeads: kvHeads, headDim: headDim, keys: keys,
                                  values: values, positionStride: stride, length: length, scale: scale, &out)
            let expected = reference(q: q, n: n, heads: heads, kvHeads: kvHeads, headDim: headDim, keys: keys,
                                     values: values, stride: stride, length: length, scale: scale)
            let worst = zip(out, expected).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst <= 1e-5, "n=\(n) length=\(length): worst abs error \(worst)")
        }
    }
}
