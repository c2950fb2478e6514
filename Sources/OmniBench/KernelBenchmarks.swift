import Foundation
import OmniKernels

/// Benchmarks of the CPU kernels, reported against the machine's own limits: matvec throughput as a
/// share of measured memory bandwidth (decode is bandwidth-bound) and matmul GFLOP/s (prefill).
/// Every figure is the median of several timed repetitions after a warm-up.
public enum KernelBenchmarks {
    /// One measured figure.
    public struct Figure: Sendable, CustomStringConvertible {
        public let name: String
        public let value: Double
        public let unit: String
        /// The figure as a fraction of the relevant machine limit, when there is one.
        public let ratio: Double?

        public var description: String {
            let base = "\(name): \(String(format: "%.2f", value)) \(unit)"
            guard let ratio else { return base }
            return base + String(format: " (%.1f%% of the bandwidth measured alongside)", ratio * 100)
        }
    }

    /// Sustained read bandwidth in GB/s (all kernel threads).
    public static func memoryBandwidthGBs(repeats: Int = 7) -> Double {
        MemoryBandwidth.measureReadBandwidth(bytes: 1 << 30, repeats: repeats) / 1e9
    }

    /// A throughput paired with the memory bandwidth measured right before each sample, so that load
    /// from other processes affects both alike (the machine is shared): medians of each and of the ratios.
    public struct PairedThroughput: Sendable {
        public let gbPerSecond: Double
        public let bandwidthGBs: Double
        public let ratio: Double
    }

    /// Effective GB/s of `Kernels.matvec` on a [rows, cols] matrix, paired with bandwidth samples; copies
    /// of the matrix are rotated so that at least `minimumBytes` are streamed between reuses (nothing is
    /// served from the caches).
    public static func matvecThroughput(rows: Int, cols: Int, dtype: DType, repeats: Int = 7,
                                        minimumBytes: Int = 512 << 20) -> PairedThroughput {
        let matrixBytes = rows * cols * dtype.byteSize
        let copies = max(1, (minimumBytes + matrixBytes - 1) / matrixBytes)
        let weights = (0..<copies).map { _ in filledWeights(bytes: matrixBytes, dtype: dtype) }
        defer { weights.forEach { $0.deallocate() } }
        let x = UnsafeMutablePointer<Float>.allocate(capacity: cols)
        let y = UnsafeMutablePointer<Float>.allocate(capacity: rows)
        defer { x.deallocate(); y.deallocate() }
        for i in 0..<cols { x[i] = Float(i % 17) * 0.01 }
        let matrices = weights.map { WeightMatrix(rows: rows, cols: cols, dtype: dtype, base: $0) }
        let callsPerSample = max(copies, 4)
        return paired(bytesPerSample: matrixBytes * callsPerSample, repeats: repeats) {
            for call in 0..<callsPerSample { Kernels.matvec(matrices[call % copies], x, y) }
        }
    }

    /// Runs `body` `repeats` times (after a warm-up), each run preceded by a bandwidth sample.
    static func paired(bytesPerSample: Int, repeats: Int, _ body: () -> Void) -> PairedThroughput {
        body()
        var rates: [Double] = [], bandwidths: [Double] = [], ratios: [Double] = []
        for _ in 0..<max(repeats, 1) {
            let bandwidth = MemoryBandwidth.measureReadBandwidth(bytes: 256 << 20, repeats: 1) / 1e9
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let rate = Double(bytesPerSample) / seconds / 1e9
            rates.append(rate)
            bandwidths.append(bandwidth)
            ratios.append(rate / bandwidth)
        }
        return PairedThroughput(gbPerSecond: median(rates), bandwidthGBs: median(bandwidths), ratio: median(ratios))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    /// GFLOP/s of `Kernels.matmul` for n tokens through a [rows, cols] weight in `dtype`.
    public static func matmulGFLOPs(n: Int, rows: Int, cols: Int, dtype: DType, repeats: Int = 5) -> Double {
        let weights = filledWeights(bytes: rows * cols * dtype.byteSize, dtype: dtype)
        defer { weights.deallocate() }
        let x = UnsafeMutablePointer<Float>.allocate(capacity: n * cols)
        let y = UnsafeMutablePointer<Float>.allocate(capacity: n * rows)
        defer { x.deallocate(); y.deallocate() }
        for i in 0..<(n * cols) { x[i] = Float(i % 13) * 0.01 }
        let matrix = WeightMatrix(rows: rows, cols: cols, dtype: dtype, base: weights)
        let seconds = medianSeconds(repeats: repeats) { Kernels.matmul(matrix, x, rows: n, y) }
        return 2 * Double(n) * Double(rows) * Double(cols) / seconds / 1e9
    }

    /// Microseconds per `Kernels.matvec` call on a matrix small enough to be all overhead
    /// (it still goes through the pool: 64 x 1024 f32 = 256 KiB).
    public static func dispatchOverheadMicroseconds(calls: Int = 20000) -> Double {
        let rows = 64, cols = 1024
        let weights = filledWeights(bytes: rows * cols * 4, dtype: .f32)
        defer { weights.deallocate() }
        let x = UnsafeMutablePointer<Float>.allocate(capacity: cols)
        let y = UnsafeMutablePointer<Float>.allocate(capacity: rows)
        defer { x.deallocate(); y.deallocate() }
        x.initialize(repeating: 0.5, count: cols)
        let matrix = WeightMatrix(rows: rows, cols: cols, dtype: .f32, base: weights)
        let seconds = medianSeconds(repeats: 5) {
            for _ in 0..<calls { Kernels.matvec(matrix, x, y) }
        }
        return seconds / Double(calls) * 1e6
    }

    /// Microseconds of overhead per parallel dispatch of two equal tasks (each summing a cache-resident
    /// 32 KiB buffer), for the kernels' pool and for `DispatchQueue.concurrentPerform`: (time per dispatch)
    /// minus (serial time of the two tasks) / 2.
    public static func dispatchOverheads(dispatches: Int = 20000) -> (pool: Double, concurrentPerform: Double) {
        let floats = 8192
        nonisolated(unsafe) let buffers = (0..<2).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: floats) }
        defer { buffers.forEach { $0.deallocate() } }
        buffers.forEach { $0.initialize(repeating: 1, count: floats) }
        nonisolated(unsafe) let sinks = UnsafeMutablePointer<Float>.allocate(capacity: 2)
        defer { sinks.deallocate() }
        sinks.initialize(repeating: 0, count: 2)
        let work: @Sendable (Int) -> Void = { i in sinks[i] += Kernels.dot(buffers[i], buffers[i], count: floats) }
        let serial = medianSeconds(repeats: 5) { for _ in 0..<dispatches { work(0); work(1) } }
        let pool = medianSeconds(repeats: 5) { for _ in 0..<dispatches { KernelRuntime.parallelFor(2, work) } }
        let dispatch = medianSeconds(repeats: 5) {
            for _ in 0..<dispatches { DispatchQueue.concurrentPerform(iterations: 2, execute: work) }
        }
        let ideal = serial / 2
        return ((pool - ideal) / Double(dispatches) * 1e6, (dispatch - ideal) / Double(dispatches) * 1e6)
    }

    /// The matvec calls of one decode step of a Llama-3.2-1B-shaped model (16 layers, hidden 2048,
    /// 8 KV heads of 64, MLP 8192, vocab 128256): per layer batch(q,k,v), o, batch(gate,up), down,
    /// then lm_head. Returns tokens/s of matvec work alone and its share of the bandwidth bound.
    public static func decodeStepMatvecs(dtype: DType, repeats: Int = 7) -> (tokensPerSecond: Double, ratio: Double) {
        let hidden = 2048, kv = 512, mlp = 8192, vocab = 128_256, layers = 16
        let shapes = [(hidden, hidden), (kv, hidden), (kv, hidden), (hidden, hidden), (mlp, hidden), (mlp, hidden), (hidden, mlp)]
        var buffers: [UnsafeMutableRawPointer] = []
        defer { buffers.forEach { $0.deallocate() } }
        var layerMatrices: [[WeightMatrix]] = []
        for _ in 0..<layers {
            layerMatrices.append(shapes.map { rows, cols in
                let buffer = filledWeights(bytes: rows * cols * dtype.byteSize, dtype: dtype)
                buffers.append(buffer)
                return WeightMatrix(rows: rows, cols: cols, dtype: dtype, base: buffer)
            })
        }
        let headBuffer = filledWeights(bytes: vocab * hidden * dtype.byteSize, dtype: dtype)
        buffers.append(headBuffer)
        let head = WeightMatrix(rows: vocab, cols: hidden, dtype: dtype, base: headBuffer)
        let totalBytes = layerMatrices.joined().reduce(0) { $0 + $1.byteCount } + head.byteCount

        let x = UnsafeMutablePointer<Float>.allocate(capacity: mlp)
        x.initialize(repeating: 0.01, count: mlp)
        let out = (0..<7).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: mlp) }
        let logits = UnsafeMutablePointer<Float>.allocate(capacity: vocab)
        defer { x.deallocate(); out.forEach { $0.deallocate() }; logits.deallocate() }
        let result = paired(bytesPerSample: totalBytes, repeats: repeats) {
            for m in layerMatrices {
                Kernels.matvecBatch([m[0], m[1], m[2]], x, [out[0], out[1], out[2]])
                Kernels.matvec(m[3], x, out[3])
                Kernels.matvecBatch([m[4], m[5]], x, [out[4], out[5]])
                Kernels.matvec(m[6], x, out[6])
            }
            Kernels.matvec(head, x, logits)
        }
        return (result.gbPerSecond * 1e9 / Double(totalBytes), result.ratio)
    }

    /// Runs every kernel benchmark and returns the figures (also printed through `log` as they come).
    @discardableResult
    public static func runAll(includeDecodeStep: Bool = true, log: (String) -> Void = { print($0) }) -> [Figure] {
        var figures: [Figure] = []
        func record(_ figure: Figure) {
            figures.append(figure)
            log(figure.description)
        }
        log("kernels: simd \(KernelRuntime.simdLevelName), \(KernelRuntime.threadCount) threads, OpenBLAS core \(KernelRuntime.blasCoreName)")
        let bandwidth = memoryBandwidthGBs()
        record(Figure(name: "memory read bandwidth", value: bandwidth, unit: "GB/s", ratio: nil))
        record(Figure(name: "matvec call time (64x1024 f32, all overhead)", value: dispatchOverheadMicroseconds(), unit: "us/call", ratio: nil))
        let overheads = dispatchOverheads()
        record(Figure(name: "dispatch overhead, kernel pool (2 tasks)", value: overheads.pool, unit: "us", ratio: nil))
        record(Figure(name: "dispatch overhead, DispatchQueue.concurrentPerform (2 tasks)", value: overheads.concurrentPerform, unit: "us", ratio: nil))
        for (rows, cols) in [(2048, 8192), (8192, 2048), (128_256, 2048)] {
            for dtype in DType.allCases {
                let result = matvecThroughput(rows: rows, cols: cols, dtype: dtype)
                record(Figure(name: "matvec \(rows)x\(cols) \(dtype.rawValue) [bandwidth alongside \(String(format: "%.1f", result.bandwidthGBs)) GB/s]",
                              value: result.gbPerSecond, unit: "GB/s", ratio: result.ratio))
            }
        }
        for n in [128, 512] {
            for (rows, cols) in [(2048, 2048), (8192, 2048)] {
                for dtype in [DType.f32, .bf16] {
                    let gflops = matmulGFLOPs(n: n, rows: rows, cols: cols, dtype: dtype)
                    record(Figure(name: "matmul n=\(n) \(cols)->\(rows) \(dtype.rawValue)", value: gflops, unit: "GFLOP/s", ratio: nil))
                }
            }
        }
        if includeDecodeStep {
            let step = decodeStepMatvecs(dtype: .bf16)
            record(Figure(name: "decode-step matvecs, Llama-3.2-1B shape BF16", value: step.tokensPerSecond, unit: "tokens/s",
                          ratio: step.ratio))
        }
        return figures
    }

    // MARK: Helpers

    /// A 64-byte aligned buffer of plausible weights (small finite values) in `dtype`.
    static func filledWeights(bytes: Int, dtype: DType) -> UnsafeMutableRawPointer {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 64), alignment: 64)
        let chunk = 4096
        var pattern = [Float](repeating: 0, count: chunk)
        for i in 0..<chunk { pattern[i] = Float((i * 7919) % 2001 - 1000) * 1e-4 }
        let elements = bytes / dtype.byteSize
        var done = 0
        while done < elements {
            let count = min(chunk, elements - done)
            Kernels.fromFloat(pattern, count: count, dtype: dtype, buffer + done * dtype.byteSize)
            done += count
        }
        return buffer
    }

    /// Median wall time of `body` over `repeats` timed runs after one warm-up run.
    static func medianSeconds(repeats: Int, _ body: () -> Void) -> Double {
        body()
        var samples: [Double] = []
        for _ in 0..<max(repeats, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        samples.sort()
        return samples[samples.count / 2]
    }
}
