// OmniKernelsC: the C half of OmniKernels. SIMD kernels with runtime CPU dispatch,
// a persistent worker pool, and the BLAS glue. Swift callers use the OmniKernels module;
// nothing here is meant to be called directly by engine code.
#ifndef OMNI_KERNELS_C_H
#define OMNI_KERNELS_C_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Storage dtypes of weights. Values are stable (Swift maps its DType enum onto them).
typedef enum {
    OMK_F32 = 0,
    OMK_F16 = 1,
    OMK_BF16 = 2,
} omk_dtype;

/// A row-major matrix [rows, cols] in its storage dtype; not owned.
typedef struct {
    const void *base;
    int64_t rows;
    int64_t cols;
    omk_dtype dtype;
} omk_matrix;

// MARK: CPU features and configuration

/// The SIMD level the kernels dispatch to: 0 = portable C, 1 = AVX2+FMA+F16C, 2 = AVX-512 (F/BW/VL/DQ), 3 = NEON.
int omk_simd_level(void);
/// Forces a lower SIMD level (for tests comparing paths); values above what the CPU supports are clamped.
void omk_set_simd_level(int level);
/// A short human-readable name of the active SIMD level.
const char *omk_simd_level_name(void);

// MARK: Worker pool

/// Number of threads the pool uses (the calling thread included); at least 1.
int omk_thread_count(void);
/// Sets the number of threads (1 ... online CPUs). Call before the first kernel, or between kernels from one thread.
void omk_set_thread_count(int count);
/// A task body: called with the task index in [0, task_count).
typedef void (*omk_task_fn)(void *context, int64_t task);
/// Runs fn(context, t) for t in [0, task_count) on the pool (caller participates) and returns when all are done.
/// Safe from any thread: while the pool is busy, other callers (and nested calls) run their tasks inline.
void omk_parallel_for(int64_t task_count, omk_task_fn fn, void *context);

// MARK: Conversions

void omk_to_f32(const void *src, omk_dtype dtype, int64_t count, float *dst);
void omk_from_f32(const float *src, int64_t count, omk_dtype dtype, void *dst);
float omk_f16_to_f32(uint16_t h);
float omk_bf16_to_f32(uint16_t h);
uint16_t omk_f32_to_f16(float f);
uint16_t omk_f32_to_bf16(float f);

// MARK: Matrix kernels

/// y[r] = sum_c W[r,c] x[c] for rows [row_begin, row_end), single-threaded.
void omk_matvec_rows(const omk_matrix *w, const float *x, float *y, int64_t row_begin, int64_t row_end);
/// Matvec of several matrices sharing x, in one parallel dispatch. ys[i] has ws[i].rows elements.
void omk_matvec_batch(const omk_matrix *ws, int count, const float *x, float *const *ys);
/// Y[n, rows] = X[n, cols] * W^T, parallel; converts W blocks to f32 on the fly for F16/BF16.
void omk_matmul(const omk_matrix *w, const float *x, int64_t n, float *y);
/// Row-major C = alpha * op(A) * op(B) + beta * C, parallelised over rows of C on the pool.
void omk_sgemm(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha,
               const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);
/// Tuning knob for benchmarks: bytes of f32 scratch per converted weight block in omk_matmul (default 2 MiB).
void omk_set_matmul_scratch_bytes(int64_t bytes);
/// Causal grouped-query attention of n new tokens whose keys and values are already in the cache.
/// q and out: [n, heads, head_dim]; key/value of position p, KV head g at keys/values + p * position_stride + g * head_dim;
/// the new tokens sit at positions [length - n, length) and each sees positions up to its own.
/// Returns 0, -1 for inconsistent shapes, -2 when scratch memory could not be allocated.
int omk_attention(const float *q, int64_t n, int64_t heads, int64_t kv_heads, int64_t head_dim, const float *keys,
                  const float *values, int64_t position_stride, int64_t length, float scale, float *out);
/// The OpenBLAS core type in use (after OmniKernels' tuning), or "unknown".
const char *omk_blas_core_name(void);

// MARK: Element-wise kernels

void omk_rms_norm(const float *x, const void *weight, omk_dtype weight_dtype, float eps,
                  int64_t rows, int64_t dim, float *out);
void omk_silu_mul(float *gate, const float *up, int64_t count);
void omk_softmax(float *x, int64_t count);
void omk_add(float *a, const float *b, int64_t count);
float omk_dot(const float *a, const float *b, int64_t count);
void omk_axpy(float alpha, const float *x, float *y, int64_t count);

/// Rotary position embedding in the rotate-half layout: x is [rows, heads, head_dim]; cos/sin are [rows, head_dim/2].
void omk_rope(float *x, int64_t rows, int64_t heads, int64_t head_dim, const float *cos_table, const float *sin_table);

// MARK: Memory bandwidth

/// Sums `count` floats (SIMD, several accumulators): a pure streaming read for bandwidth measurement.
float omk_stream_sum(const float *p, int64_t count);

#ifdef __cplusplus
}
#endif
/// Keeps freed large buffers in the heap (glibc): no fresh zeroed pages per token.
void omk_keep_large_allocations(void);

#endif
