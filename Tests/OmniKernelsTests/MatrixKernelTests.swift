import Testing
@testable import OmniKernels

extension KernelSuites {
    /// matvec, matvecBatch, matmul and sgemm against a double-precision reference
    /// (tolerance: 1e-5 of sum |w*x| per output element), on every SIMD path and thread count.
    @Suite struct MatrixKernelTests {
        static let shapes: [(rows: Int, cols: Int)] = [(1, 1), (3, 5), (7, 13), (37, 515), (130, 2048), (517, 67), (1031, 96)]

        @Test(arguments: DType.allCases, [KernelRuntime.SIMDLevel.portable, .avx2, .avx512, .neon])
        func matvecMatchesReference(dtype: DType, level: KernelRuntime.SIMDLevel) {
            guard availableSIMDLevels.contains(level) else { return }
            KernelRuntime.forceSIMDLevel(level)
            defer { KernelRuntime.forceSIMDLevel(nil) }
            var random = SeededRandom(seed: 1)
            for (rows, cols) in Self.shapes {
                let w = StoredMatrix(rows: rows, cols: cols, dtype: dtype, random: &random)
                let x = random.floats(cols, scale: 3)
                var y = [Float](repeating: .nan, count: rows)
                w.withMatrix { Kernels.matvec($0, x, &y) }
                let ref = w.reference(x[...])
                let bad = (0..<rows).filter { !withinProductTolerance(y[$0], ref.values[$0], magnitude: ref.magnitudes[$0]) }
                #expect(bad.isEmpty, "\(dtype) \(rows)x\(cols) \(level): rows \(bad.prefix(5))")
            }
        }

        @Test func matvecResultsDoNotDependOnThreadCount() {
            let threads = KernelRuntime.threadCount
            defer { KernelRuntime.threadCount = threads }
            var random = SeededRandom(seed: 2)
            let w = StoredMatrix(rows: 4099, cols: 300, dtype: .bf16, random: &random)
            let x = random.floats(300)
            var results: [[Float]] = []
            for count in [1, 2, threads] {
                KernelRuntime.threadCount = count
                var y = [Float](repeating: 0, count: w.rows)
                w.withMatrix { Kernels.matvec($0, x, &y) }
                results.append(y)
            }
            #expect(results.allSatisfy { $0 == results[0] })
        }

        @Test func matmulAndSgemmResultsDoNotDependOnThreadCount() {
            let threads = KernelRuntime.threadCount
            defer { KernelRuntime.threadCount = threads }
            var random = SeededRandom(seed: 13)
            let w = StoredMatrix(rows: 1000, cols: 96, dtype: .bf16, random: &random)
            let n = 37
            let x = random.floats(n * 96)
            var products: [[Float]] = []
            var gemms: [[Float]] = []
            for count in [1, 2, threads] {
                KernelRuntime.threadCount = count
                var y = [Float](repeating: 0, count: n * w.rows)
                w.withMatrix { Kernels.matmul($0, x, rows: n, &y) }
                products.append(y)
                var c = [Float](repeating: 0, count: 600 * 37)
                Kernels.sgemm(transA: false, transB: true, m: 600, n: 37, k: 96, alpha: 1, a: w.values, lda: 96,
                              b: x, ldb: 96, beta: 0, c: &c, ldc: 37)
                gemms.append(c)
            }
            #expect(products.allSatisfy { $0 == products[0] })
            #expect(gemms.allSatisfy { $0 == gemms[0] })
        }

        @Test func matvecBatchMatchesSeparateMatvecs() {
            var random = SeededRandom(seed: 3)
            let cols = 261
            let mats = [(517, DType.bf16), (61, .f16), (130, .f32), (5, .bf16)].map { rows, dtype in
                StoredMatrix(rows: rows, cols: cols, dtype: dtype, random: &random)
            }
            let x = random.floats(cols)
            // Copies of the weights at stable addresses, as an mmap'd checkpoint would provide.
            let storages = mats.map { m -> UnsafeMutableRawPointer in
                let p = UnsafeMutableRawPointer.allocate(byteCount: m.bytes.count, alignment: 64)
                m.bytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                return p
            }
            let outputs = mats.map { UnsafeMutablePointer<Float>.allocate(capacity: $0.rows) }
            defer {
                storages.forEach { $0.deallocate() }
                outputs.forEach { $0.deallocate() }
            }
            let matrices = mats.indices.map { i in
                WeightMatrix(rows: mats[i].rows, cols: cols, dtype: mats[i].dtype, base: storages[i])
            }
            Kernels.matvecBatch(matrices, x, outputs)
            for i in mats.indices {
                let batched = Array(UnsafeBufferPointer(start: outputs[i], count: mats[i].rows))
                var single = [Float](repeating: 0, count: mats[i].rows)
                Kernels.matvec(matrices[i], x, &single)
                #expect(batched == single, "matrix \(i)")
                let ref = mats[i].reference(x[...])
                #expect((0..<mats[i].rows).allSatisfy { withinProductTolerance(batched[$0], ref.values[$0], magnitude: ref.magnitudes[$0]) })
            }
        }

        @Test(arguments: DType.allCases, [1, 3, 130])
        func matmulMatchesReference(dtype: DType, n: Int) {
            var random = SeededRandom(seed: 4)
            for (rows, cols) in [(7, 13), (517, 67), (130, 2048), (1000, 96)] {
                let w = StoredMatrix(rows: rows, cols: cols, dtype: dtype, random: &random)
                let x = random.floats(n * cols, scale: 2)
                var y = [Float](repeating: .nan, count: n * rows)
                w.withMatrix { Kernels.matmul($0, x, rows: n, &y) }
                var bad = 0
                for t in 0..<n {
                    let ref = w.reference(x[(t * cols)..<((t + 1) * cols)])
                    for r in 0..<rows where !withinProductTolerance(y[t * rows + r], ref.values[r], magnitude: ref.magnitudes[r]) {
                        bad += 1
                    }
                }
                #expect(bad == 0, "\(dtype) n=\(n) \(rows)x\(cols): \(bad) bad elements")
            }
        }

        @Test(arguments: [false, true], [false, true])
        func sgemmMatchesReference(transA: Bool, transB: Bool) {
            var random = SeededRandom(seed: 5)
            for (m, n, k) in [(1, 1, 1), (3, 7, 5), (130, 33, 64), (300, 129, 40)] {
                let lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 1, ldc = n + 2
                let a = random.floats((transA ? k : m) * lda)
                let b = random.floats((transB ? n : k) * ldb)
                let c0 = random.floats(m * ldc)
                var c = c0
                let alpha: Float = 0.5, beta: Float = -2
                Kernels.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                              b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc)
                var bad = 0
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0, mag = 0.0
                        for l in 0..<k {
                            let av = Double(transA ? a[l * lda + i] : a[i * lda + l])
                            let bv = Double(transB ? b[j * ldb + l] : b[l * ldb + j])
                            sum += av * bv
                            mag += abs(av * bv)
                        }
                        let expected = Double(alpha) * sum + Double(beta) * Double(c0[i * ldc + j])
                        let scale = abs(Double(alpha)) * mag + abs(Double(beta) * Double(c0[i * ldc + j]))
                        if !withinProductTolerance(c[i * ldc + j], expected, magnitude: scale) { bad += 1 }
                    }
                    for j in n..<ldc where c[i * ldc + j] != c0[i * ldc + j] { bad += 1 } // padding untouched
                }
                #expect(bad == 0, "m=\(m) n=\(n) k=\(k) transA=\(transA) transB=\(transB)")
            }
        }

        @Test func weightMatrixChecksBufferSize() throws {
            let bytes = [UInt8](repeating: 0, count: 24)
            try bytes.withUnsafeBytes { raw in
                let ok = try WeightMatrix(rows: 3, cols: 4, dtype: .bf16, buffer: raw)
                #expect(ok.byteCount == 24)
                #expect(throws: KernelError.sizeMismatch(expectedBytes: 48, actualBytes: 24)) {
                    try WeightMatrix(rows: 3, cols: 4, dtype: .f32, buffer: raw)
                }
                #expect(throws: KernelError.invalidShape(rows: -1, cols: 4)) {
                    try WeightMatrix(rows: -1, cols: 4, dtype: .f32, buffer: raw)
                }
            }
        }
    }
}
