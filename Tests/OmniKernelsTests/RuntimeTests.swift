import Testing
@testable import OmniKernels

extension KernelSuites {
    /// The pool, SIMD selection, BLAS setup and bandwidth probe behave as documented.
    @Suite struct RuntimeTests {
        @Test func threadCountCanBeLoweredAndRestored() {
            let original = KernelRuntime.threadCount
            #expect(original >= 1)
            KernelRuntime.threadCount = 1
            #expect(KernelRuntime.threadCount == 1)
            KernelRuntime.threadCount = original
            #expect(KernelRuntime.threadCount == original)
        }

        @Test func forcingASIMDLevelNeverRaisesIt() {
            let widest = KernelRuntime.simdLevel
            KernelRuntime.forceSIMDLevel(.portable)
            #expect(KernelRuntime.simdLevel == .portable)
            KernelRuntime.forceSIMDLevel(nil)
            #expect(KernelRuntime.simdLevel == widest)
            #expect(!KernelRuntime.simdLevelName.isEmpty)
        }

        @Test func parallelForRunsEveryIterationOnce() {
            let count = 1000
            nonisolated(unsafe) let hits = UnsafeMutablePointer<Int>.allocate(capacity: count)
            defer { hits.deallocate() }
            hits.initialize(repeating: 0, count: count)
            KernelRuntime.parallelFor(count) { i in hits[i] += 1 } // each slot has one writer
            #expect((0..<count).allSatisfy { hits[$0] == 1 })
            hits.initialize(repeating: 0, count: count)
            KernelRuntime.parallelFor(2) { outer in
                KernelRuntime.parallelFor(5) { inner in hits[outer * 5 + inner] += 1 } // nested: runs inline
            }
            #expect((0..<10).allSatisfy { hits[$0] == 1 })
        }

        @Test func blasCoreIsReported() {
            #expect(!KernelRuntime.blasCoreName.isEmpty)
        }

        @Test func concurrentCallersGetCorrectResults() async {
            var random = SeededRandom(seed: 12)
            let w = StoredMatrix(rows: 2000, cols: 256, dtype: .bf16, random: &random)
            let x = random.floats(256)
            var expected = [Float](repeating: 0, count: w.rows)
            w.withMatrix { Kernels.matvec($0, x, &expected) }
            let results = await withTaskGroup(of: [Float].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var y = [Float](repeating: 0, count: w.rows)
                        for _ in 0..<20 { w.withMatrix { Kernels.matvec($0, x, &y) } }
                        return y
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == 4)
            #expect(results.allSatisfy { $0 == expected })
        }

        @Test func bandwidthProbeReturnsAPlausibleFigure() {
            let bytesPerSecond = MemoryBandwidth.measureReadBandwidth(bytes: 16 << 20, repeats: 3)
            #expect(bytesPerSecond.isFinite)
            #expect(bytesPerSecond > 1e8) // any machine streams more than 100 MB/s
        }
    }
}
