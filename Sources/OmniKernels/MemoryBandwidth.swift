import Foundation
import OmniKernelsC

/// Measures the machine's sustained memory read bandwidth: the ceiling of decode matvecs, which stream
/// every weight once per token. Lives with the kernels so placement and benchmarks share one figure.
public enum MemoryBandwidth {
    /// Sustained read bandwidth in bytes/s using all kernel threads: each sums its share of a buffer much
    /// larger than the caches; returns the median of `repeats` passes (after one warm-up pass).
    public static func measureReadBandwidth(bytes: Int = 1 << 30, repeats: Int = 5) -> Double {
        let floats = max(bytes / 4, 1 << 16)
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: floats)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 1, count: floats) // touch every page before timing
        let threads = max(KernelRuntime.threadCount, 1)
        let parts = threads * 4
        let partLength = (floats + parts - 1) / parts
        let sink = UnsafeMutablePointer<Float>.allocate(capacity: parts)
        defer { sink.deallocate() }
        sink.initialize(repeating: 0, count: parts)
        var job = StreamJob(base: buffer, count: floats, partLength: partLength, sink: sink)
        var samples: [Double] = []
        for pass in 0...max(repeats, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            withUnsafeMutablePointer(to: &job) { pointer in
                omk_parallel_for(Int64(parts), { context, task in
                    guard let job = context?.assumingMemoryBound(to: StreamJob.self) else { return }
                    let begin = Int(task) * job.pointee.partLength
                    let end = min(begin + job.pointee.partLength, job.pointee.count)
                    if begin < end {
                        let sum = omk_stream_sum(job.pointee.base + begin, Int64(end - begin))
                        job.pointee.sink[Int(task)] = sum // keep the reads alive
                    }
                }, pointer)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if pass > 0 { samples.append(Double(floats * 4) / seconds) }
        }
        samples.sort()
        return samples[samples.count / 2]
    }
}

private struct StreamJob {
    let base: UnsafeMutablePointer<Float>
    let count: Int
    let partLength: Int
    let sink: UnsafeMutablePointer<Float> // one slot per task
}
