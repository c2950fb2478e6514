// Element-wise and row-wise kernels of the transformer block: RMSNorm, SiLU gating, softmax and
// the small vector helpers. Portable C plus dispatch to the SIMD versions; prefill-sized inputs are
// split over the pool (chunks are fixed by size, so results do not depend on the thread count).
#include "internal.h"
#include <math.h>

enum { PARALLEL_ELEMENTS = 1 << 16, CHUNK_ELEMENTS = 1 << 14 };

static inline float weight_at(const void *w, omk_dtype d, int64_t i) {
    switch (d) {
    case OMK_F16: return omk_f16_to_f32(((const uint16_t *)w)[i]);
    case OMK_BF16: return omk_bf16_to_f32(((const uint16_t *)w)[i]);
    default: return ((const float *)w)[i];
    }
}

static double sum_squares(const float *x, int64_t n) {
#if OMK_X86
    if (omk_simd_level() == OMK_LEVEL_AVX512) return omk_sum_squares_avx512(x, n);
#endif
    double s[4] = {0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int j = 0; j < 4; j++) s[j] += (double)x[i + j] * x[i + j];
    double total = (s[0] + s[2]) + (s[1] + s[3]);
    for (; i < n; i++) total += (double)x[i] * x[i];
    return total;
}

typedef struct {
    const float *x;
    const void *weight;
    omk_dtype weight_dtype;
    float eps;
    int64_t dim;
    float *out;
} rms_job;

static void rms_row(void *context, int64_t r) {
    const rms_job *j = context;
    const float *xr = j->x + r * j->dim;
    float *o = j->out + r * j->dim;
    // As LlamaRMSNorm: variance in f32 (accumulated here in double), x * rsqrt(variance + eps), then weight * that.
    float variance = j->dim > 0 ? (float)(sum_squares(xr, j->dim) / (double)j->dim) : 0.0f;
    float scale = 1.0f / sqrtf(variance + j->eps);
    switch (j->weight_dtype) {
    case OMK_F32: {
        const float *w = j->weight;
        for (int64_t i = 0; i < j->dim; i++) o[i] = w[i] * (xr[i] * scale);
        break;
    }
    case OMK_BF16: {
        const uint16_t *w = j->weight;
        for (int64_t i = 0; i < j->dim; i++) o[i] = omk_float((uint32_t)w[i] << 16) * (xr[i] * scale);
        break;
    }
    default:
        for (int64_t i = 0; i < j->dim; i++) o[i] = weight_at(j->weight, j->weight_dtype, i) * (xr[i] * scale);
    }
}

void omk_rms_norm(const float *x, const void *weight, omk_dtype weight_dtype, float eps, int64_t rows, int64_t dim,
                  float *out) {
    rms_job job = {x, weight, weight_dtype, eps, dim, out};
    if (rows > 1 && rows * dim >= PARALLEL_ELEMENTS) {
        omk_parallel_for(rows, rms_row, &job);
    } else {
        for (int64_t r = 0; r < rows; r++) rms_row(&job, r);
    }
}

static void silu_mul_serial(float *gate, const float *up, int64_t count) {
    switch (omk_simd_level()) {
#if OMK_X86
    case OMK_LEVEL_AVX512: omk_silu_mul_avx512(gate, up, count); return;
    case OMK_LEVEL_AVX2: omk_silu_mul_avx2(gate, up, count); return;
#endif
    default:
        for (int64_t i = 0; i < count; i++) {
            float g = gate[i];
            gate[i] = g / (1.0f + expf(-g)) * up[i];
        }
    }
}

/// A binary element-wise operation over chunks of fixed size.
typedef struct {
    float *a;
    const float *b;
    float alpha;
    int64_t count;
    int op; // 0: silu_mul, 1: add, 2: axpy
} chunk_job;

static void add_serial(float *a, const float *b, int64_t count) {
    for (int64_t i = 0; i < count; i++) a[i] += b[i];
}

static void axpy_serial(float alpha, const float *x, float *y, int64_t count) {
    for (int64_t i = 0; i < count; i++) y[i] += alpha * x[i];
}

static void run_chunk(void *context, int64_t t) {
    const chunk_job *j = context;
    int64_t begin = t * CHUNK_ELEMENTS;
    int64_t n = j->count - begin < CHUNK_ELEMENTS ? j->count - begin : CHUNK_ELEMENTS;
    switch (j->op) {
    case 0: silu_mul_serial(j->a + begin, j->b + begin, n); break;
    case 1: add_serial(j->a + begin, j->b + begin, n); break;
    default: axpy_serial(j->alpha, j->b + begin, j->a + begin, n); break;
    }
}

static void run_chunked(float *a, const float *b, float alpha, int64_t count, int op) {
    chunk_job job = {a, b, alpha, count, op};
    int64_t chunks = (count + CHUNK_ELEMENTS - 1) / CHUNK_ELEMENTS;
    if (count >= PARALLEL_ELEMENTS) {
        omk_parallel_for(chunks, run_chunk, &job);
    } else {
        for (int64_t t = 0; t < chunks; t++) run_chunk(&job, t);
    }
}

void omk_silu_mul(float *gate, const float *up, int64_t count) { run_chunked(gate, up, 0, count, 0); }

void omk_add(float *a, const float *b, int64_t count) { run_chunked(a, b, 0, count, 1); }

void omk_axpy(float alpha, const float *x, float *y, int64_t count) { run_chunked(y, x, alpha, count, 2); }

void omk_softmax(float *x, int64_t count) {
    if (count <= 0) return;
    float max = x[0];
    for (int64_t i = 1; i < count; i++) max = x[i] > max ? x[i] : max;
    if (isinf(max) && max < 0) { // every input is -inf (a fully masked row): define the result as uniform
        for (int64_t i = 0; i < count; i++) x[i] = 1.0f / (float)count;
        return;
    }
    float sum;
    switch (omk_simd_level()) {
#if OMK_X86
    case OMK_LEVEL_AVX512: sum = omk_softmax_exp_avx512(x, count, max); break;
    case OMK_LEVEL_AVX2: sum = omk_softmax_exp_avx2(x, count, max); break;
#endif
    default: {
        double total = 0;
        for (int64_t i = 0; i < count; i++) {
            x[i] = expf(x[i] - max);
            total += x[i];
        }
        sum = (float)total;
    }
    }
    float inv = 1.0f / sum;
    for (int64_t i = 0; i < count; i++) x[i] *= inv;
}

float omk_dot(const float *a, const float *b, int64_t count) {
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= count; i += 8)
        for (int j = 0; j < 8; j++) s[j] += a[i + j] * b[i + j];
    float total = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
    for (; i < count; i++) total += a[i] * b[i];
    return total;
}

void omk_rope(float *x, int64_t rows, int64_t heads, int64_t head_dim, const float *cos_table, const float *sin_table) {
    int64_t half = head_dim / 2;
    for (int64_t r = 0; r < rows; r++) {
        const float *c = cos_table + r * half;
        const float *s = sin_table + r * half;
        for (int64_t h = 0; h < heads; h++) {
            float *lo = x + (r * heads + h) * head_dim;
            float *hi = lo + half;
            for (int64_t i = 0; i < half; i++) {
                float a = lo[i], b = hi[i];
                lo[i] = a * c[i] - b * s[i];
                hi[i] = b * c[i] + a * s[i];
            }
        }
    }
}
