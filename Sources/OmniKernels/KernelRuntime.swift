import OmniKernelsC

/// The machine-facing settings of the kernels: worker threads, the SIMD path in use, the BLAS core.
///
/// The kernels run on one persistent pool of `threadCount` threads and call OpenBLAS single-threaded
/// (set once, process-wide, on first use) so that the two never oversubscribe the cores.
public enum KernelRuntime {
    /// The SIMD paths the kernels can take, widest last on x86.
    public enum SIMDLevel: Int, Sendable, CaseIterable {
        case portable = 0, avx2 = 1, avx512 = 2, neon = 3
    }

    /// Threads the matrix kernels use, the caller included (default: the cores this process may run on,
    /// or the `OMNI_THREADS` environment variable).
    public static var threadCount: Int {
        get { Int(omk_thread_count()) }
        set { omk_set_thread_count(Int32(clamping: newValue)) }
    }

    /// The SIMD path the kernels dispatch to.
    public static var simdLevel: SIMDLevel { SIMDLevel(rawValue: Int(omk_simd_level())) ?? .portable }

    /// Restricts the kernels to a lower SIMD path (tests compare paths); nil restores the widest available.
    public static func forceSIMDLevel(_ level: SIMDLevel?) {
        omk_set_simd_level(Int32(level?.rawValue ?? -1))
    }

    /// A readable name of the SIMD path, e.g. "avx512".
    public static var simdLevelName: String { String(cString: omk_simd_level_name()) }

    /// Runs body(i) for i in 0..<count on the kernels' worker pool (the caller takes part) and returns when
    /// all are done — the same pool and cost as the matrix kernels (about a microsecond per dispatch when the
    /// workers are spinning). Iterations may run on any thread in any order. A call made while the pool is busy
    /// (from another thread, or from inside `body`) runs its iterations on the calling thread.
    public static func parallelFor(_ count: Int, _ body: @Sendable (Int) -> Void) {
        guard count > 0 else { return }
        withoutActuallyEscaping(body) { escapable in
            var closure = escapable
            withUnsafeMutablePointer(to: &closure) { pointer in
                omk_parallel_for(Int64(count), { context, task in
                    guard let body = context?.assumingMemoryBound(to: (@Sendable (Int) -> Void).self).pointee else { return }
                    body(Int(task))
                }, pointer)
            }
        }
    }

    /// The OpenBLAS kernel family in use (after the kernels' own tuning), e.g. "SkylakeX".
    public static var blasCoreName: String { String(cString: omk_blas_core_name()) }
}
