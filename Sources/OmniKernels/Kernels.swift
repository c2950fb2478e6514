import OmniKernelsC

/// The numeric kernels of a Llama-family transformer on CPU. Activations are f32; weights are read
/// in their storage dtype and widened while streaming. Matrix kernels run on a persistent pool that
/// uses every core (see `KernelRuntime`); all of them are deterministic for a given machine and build
/// (each output element is reduced in a fixed order whatever thread computes it).
///
/// Pointers must be valid for the sizes given; outputs must not overlap inputs unless stated.
/// Any thread may call them; while one call holds the pool, concurrent calls run single-threaded.
public enum Kernels {
    // MARK: Matrix products

    /// y[r] = sum_c W[r,c] * x[c]   (decode), multithreaded over rows.
    public static func matvec(_ w: WeightMatrix, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        var cw = w.c
        var out: UnsafeMutablePointer<Float>? = y
        omk_matvec_batch(&cw, 1, x, &out)
    }

    /// Several matvecs sharing the same input in ONE parallel dispatch (q,k,v projections; gate,up).
    public static func matvecBatch(_ ws: [WeightMatrix], _ x: UnsafePointer<Float>, _ ys: [UnsafeMutablePointer<Float>]) {
        precondition(ws.count == ys.count, "matvecBatch needs one output per matrix")
        precondition(ws.count <= Int(Int32.max), "matvecBatch: too many matrices")
        let cws = ws.map(\.c)
        let outs: [UnsafeMutablePointer<Float>?] = ys
        cws.withUnsafeBufferPointer { wp in
            outs.withUnsafeBufferPointer { yp in
                omk_matvec_batch(wp.baseAddress, Int32(ws.count), x, yp.baseAddress)
            }
        }
    }

    /// Y[n, rows] = X[n, cols] * W^T   (prefill). n == 1 routes to matvec.
    public static func matmul(_ w: WeightMatrix, _ x: UnsafePointer<Float>, rows n: Int, _ y: UnsafeMutablePointer<Float>) {
        precondition(n >= 0, "matmul: negative row count")
        var cw = w.c
        omk_matmul(&cw, x, Int64(n), y)
    }

    /// Plain f32 GEMM for attention: row-major C[m,n] = alpha * op(A)[m,k] * op(B)[k,n] + beta * C,
    /// where op transposes when asked (A is then stored [k, m], B [n, k]). Parallel over rows of C.
    public static func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                             a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                             beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        precondition(m >= 0 && n >= 0 && k >= 0, "sgemm: negative dimension")
        precondition(max(m, n, k, lda, ldb, ldc) <= Int(Int32.max), "sgemm: dimension beyond BLAS int range")
        omk_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b, Int64(ldb),
                  beta, c, Int64(ldc))
    }

    /// Causal grouped-query attention, softmax(q·kᵀ·scale)·v, of `n` new tokens whose keys and values are
    /// already in the cache, parallel over heads (decode: over KV heads; prefill: over heads and 64-query blocks).
    ///
    /// - `queries` and `out`: [n, heads, headDim] (out must not overlap queries or the cache).
    /// - The key (value) of position p, KV head g is at `keys` (`values`) + p * positionStride + g * headDim,
    ///   e.g. positionStride = kvHeads * headDim for a [positions, kvHeads, headDim] cache.
    /// - The new tokens sit at positions [length - n, length); each attends to positions up to its own.
    /// - Query head h uses KV head h / (heads / kvHeads), as in Llama's grouped-query attention.
    public static func attention(queries: UnsafePointer<Float>, count n: Int, heads: Int, kvHeads: Int, headDim: Int,
                                 keys: UnsafePointer<Float>, values: UnsafePointer<Float>, positionStride: Int,
                                 length: Int, scale: Float, _ out: UnsafeMutablePointer<Float>) throws(KernelError) {
        precondition(n >= 1 && length >= n, "attention: need 1 <= n <= length")
        precondition(heads >= 1 && kvHeads >= 1 && heads % kvHeads == 0, "attention: heads must be a multiple of kvHeads")
        precondition(headDim >= 1 && positionStride >= kvHeads * headDim, "attention: cache stride too small")
        precondition(max(length, positionStride, heads * headDim) <= Int(Int32.max), "attention: beyond BLAS int range")
        let status = omk_attention(queries, Int64(n), Int64(heads), Int64(kvHeads), Int64(headDim), keys, values,
                                   Int64(positionStride), Int64(length), scale, out)
        if status != 0 { throw KernelError.outOfMemory(bytes: min(n, 64) * length * 4) }
    }

    // MARK: Conversions

    /// Converts `count` elements of dtype at src to f32 (exact for every bit pattern).
    public static func toFloat(_ src: UnsafeRawPointer, dtype: DType, count: Int, _ dst: UnsafeMutablePointer<Float>) {
        omk_to_f32(src, dtype.c, Int64(count), dst)
    }

    /// Converts f32 to dtype with round-to-nearest-even (same as torch .to(bfloat16)/.to(float16));
    /// NaN becomes the canonical quiet NaN (0x7FC0 for BF16, sign|0x7E00 for F16) as torch does.
    public static func fromFloat(_ src: UnsafePointer<Float>, count: Int, dtype: DType, _ dst: UnsafeMutableRawPointer) {
        omk_from_f32(src, Int64(count), dtype.c, dst)
    }

    // MARK: Row-wise and element-wise

    /// out[i] = x[i] / sqrt(mean(x^2) + eps) * weight[i] for each of n rows of length dim (weight in its dtype),
    /// computed as transformers' LlamaRMSNorm in f32 (the mean of squares accumulated in double).
    /// `out` may equal `x`.
    public static func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafeRawPointer, weightDType: DType, eps: Float,
                               rows n: Int, dim: Int, _ out: UnsafeMutablePointer<Float>) {
        omk_rms_norm(x, weight, weightDType.c, eps, Int64(n), Int64(dim), out)
    }

    /// gate[i] = silu(gate[i]) * up[i]
    public static func siluMul(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
        omk_silu_mul(gate, up, Int64(count))
    }

    /// In-place numerically stable softmax over `count` elements (a row of only -inf becomes uniform).
    public static func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
        omk_softmax(x, Int64(count))
    }

    /// Rotary position embedding in the rotate-half layout used by transformers' Llama
    /// (`x * cos + rotate_half(x) * sin`): x is [rows, heads, headDim], rotated in place; `cos` and `sin` are
    /// [rows, headDim / 2], the angles of each row's position (the table halves transformers duplicates).
    /// For i < headDim/2: x[i], x[i + headDim/2] = x[i]·cos[i] − x[i+headDim/2]·sin[i], x[i+headDim/2]·cos[i] + x[i]·sin[i].
    public static func applyRotaryEmbedding(_ x: UnsafeMutablePointer<Float>, rows n: Int, heads: Int, headDim: Int,
                                            cos: UnsafePointer<Float>, sin: UnsafePointer<Float>) {
        precondition(headDim % 2 == 0, "rotary embedding needs an even head dimension")
        omk_rope(x, Int64(n), Int64(heads), Int64(headDim), cos, sin)
    }

    /// a += b
    public static func add(_ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, count: Int) {
        omk_add(a, b, Int64(count))
    }

    /// sum_i a[i] * b[i]
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        omk_dot(a, b, Int64(count))
    }

    /// y += alpha * x
    public static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        omk_axpy(alpha, x, y, Int64(count))
    }
}
