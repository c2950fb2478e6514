// Matrix-vector products: the portable and NEON row kernels, SIMD dispatch, and the parallel
// driver that splits the rows of one or several matrices into chunks claimed by the pool.
#include "internal.h"
#include <stdlib.h>
#if OMK_NEON
#include <arm_neon.h>
#endif

enum { PORTABLE_BLOCK = 512 };

static float dot_portable(const float *a, const float *b, int64_t n) {
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) s[j] += a[i + j] * b[i + j];
    float total = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
    for (; i < n; i++) total += a[i] * b[i];
    return total;
}

void omk_matvec_rows_portable(const omk_matrix *w, const float *x, float *y, int64_t r0, int64_t r1) {
    const int64_t cols = w->cols;
    const int64_t esize = omk_dtype_size(w->dtype);
    float block[PORTABLE_BLOCK];
    for (int64_t r = r0; r < r1; r++) {
        const char *row = (const char *)w->base + r * cols * esize;
        if (w->dtype == OMK_F32) {
            y[r] = dot_portable((const float *)row, x, cols);
            continue;
        }
        float sum = 0;
        for (int64_t c = 0; c < cols; c += PORTABLE_BLOCK) {
            int64_t n = cols - c < PORTABLE_BLOCK ? cols - c : PORTABLE_BLOCK;
            omk_to_f32_portable(row + c * esize, w->dtype, n, block);
            sum += dot_portable(block, x + c, n);
        }
        y[r] = sum;
    }
}

#if OMK_NEON
static inline float32x4_t neon_load4(const void *p, int64_t i, omk_dtype d) {
    switch (d) {
    case OMK_F16: return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16((const uint16_t *)p + i)));
    case OMK_BF16: return vreinterpretq_f32_u32(vshll_n_u16(vld1_u16((const uint16_t *)p + i), 16));
    default: return vld1q_f32((const float *)p + i);
    }
}

void omk_matvec_rows_neon(const omk_matrix *w, const float *x, float *y, int64_t r0, int64_t r1) {
    const int64_t cols = w->cols;
    const omk_dtype d = w->dtype;
    const int64_t stride = cols * omk_dtype_size(d);
    const int64_t main_end = cols & ~(int64_t)15;
    for (int64_t r = r0; r < r1; r++) {
        const void *p = (const char *)w->base + r * stride;
        float32x4_t a0 = vdupq_n_f32(0), a1 = a0, a2 = a0, a3 = a0;
        int64_t c = 0;
        for (; c < main_end; c += 16) {
            a0 = vfmaq_f32(a0, neon_load4(p, c, d), vld1q_f32(x + c));
            a1 = vfmaq_f32(a1, neon_load4(p, c + 4, d), vld1q_f32(x + c + 4));
            a2 = vfmaq_f32(a2, neon_load4(p, c + 8, d), vld1q_f32(x + c + 8));
            a3 = vfmaq_f32(a3, neon_load4(p, c + 12, d), vld1q_f32(x + c + 12));
        }
        float sum = vaddvq_f32(vaddq_f32(vaddq_f32(a0, a1), vaddq_f32(a2, a3)));
        for (; c < cols; c++) {
            float wc = d == OMK_F32 ? ((const float *)p)[c]
                     : d == OMK_F16 ? omk_f16_to_f32(((const uint16_t *)p)[c])
                                    : omk_bf16_to_f32(((const uint16_t *)p)[c]);
            sum += wc * x[c];
        }
        y[r] = sum;
    }
}
#endif

/// A row kernel; `xd` is x deinterleaved for the AVX-512 BF16 kernel (NULL when no matrix needs it).
typedef void (*rows_kernel)(const omk_matrix *, const float *, const float *, float *, int64_t, int64_t);

static void portable_kernel(const omk_matrix *w, const float *x, const float *xd, float *y, int64_t r0, int64_t r1) {
    (void)xd;
    omk_matvec_rows_portable(w, x, y, r0, r1);
}
#if OMK_X86
static void avx2_kernel(const omk_matrix *w, const float *x, const float *xd, float *y, int64_t r0, int64_t r1) {
    (void)xd;
    omk_matvec_rows_avx2(w, x, y, r0, r1);
}
#endif
#if OMK_NEON
static void neon_kernel(const omk_matrix *w, const float *x, const float *xd, float *y, int64_t r0, int64_t r1) {
    (void)xd;
    omk_matvec_rows_neon(w, x, y, r0, r1);
}
#endif

static rows_kernel select_kernel(int level) {
    switch (level) {
#if OMK_X86
    case OMK_LEVEL_AVX512: return omk_matvec_rows_avx512;
    case OMK_LEVEL_AVX2: return avx2_kernel;
#endif
#if OMK_NEON
    case OMK_LEVEL_NEON: return neon_kernel;
#endif
    default: return portable_kernel;
    }
}

#if OMK_X86
static _Thread_local float *deinterleaved = NULL;
static _Thread_local int64_t deinterleaved_capacity = 0;
#endif

/// x rearranged for the AVX-512 BF16 kernel when it will run, in a per-thread buffer; NULL otherwise.
/// Returns (float *)-1 when the buffer cannot be allocated (callers then use the AVX2 path).
static const float *prepare_x(int level, const omk_matrix *ws, int count, const float *x) {
#if OMK_X86
    if (level != OMK_LEVEL_AVX512) return NULL;
    int64_t cols = 0;
    for (int i = 0; i < count; i++)
        if (ws[i].dtype == OMK_BF16 && ws[i].cols > cols) cols = ws[i].cols;
    if (cols < 32) return NULL;
    if (cols > deinterleaved_capacity) {
        free(deinterleaved);
        deinterleaved = aligned_alloc(64, (size_t)((cols * 4 + 63) & ~(int64_t)63));
        deinterleaved_capacity = deinterleaved ? cols : 0;
        if (!deinterleaved) return (const float *)-1;
    }
    omk_deinterleave32_avx512(x, cols, deinterleaved);
    return deinterleaved;
#else
    (void)level; (void)ws; (void)count; (void)x;
    return NULL;
#endif
}

void omk_matvec_rows(const omk_matrix *w, const float *x, float *y, int64_t row_begin, int64_t row_end) {
    int level = omk_simd_level();
    const float *xd = prepare_x(level, w, 1, x);
    if (xd == (const float *)-1) {
        level = OMK_LEVEL_AVX2;
        xd = NULL;
    }
    select_kernel(level)(w, x, xd, y, row_begin, row_end);
}

typedef struct {
    const omk_matrix *w;
    float *y;
    int64_t r0, r1;
} matvec_chunk;

typedef struct {
    const matvec_chunk *chunks;
    const float *x;
    const float *xd;
    rows_kernel kernel;
} matvec_job;

static void run_chunk(void *context, int64_t t) {
    const matvec_job *job = context;
    const matvec_chunk *c = &job->chunks[t];
    job->kernel(c->w, job->x, job->xd, c->y, c->r0, c->r1);
}

enum { CHUNKS_PER_THREAD = 8, MIN_CHUNK_BYTES = 16 << 10, SERIAL_BYTES = 48 << 10, STACK_CHUNKS = 256 };

void omk_matvec_batch(const omk_matrix *ws, int count, const float *x, float *const *ys) {
    int level = omk_simd_level();
    const float *xd = prepare_x(level, ws, count, x);
    if (xd == (const float *)-1) {
        level = OMK_LEVEL_AVX2;
        xd = NULL;
    }
    rows_kernel kernel = select_kernel(level);
    int64_t total = 0;
    for (int i = 0; i < count; i++) total += ws[i].rows * ws[i].cols * omk_dtype_size(ws[i].dtype);
    int threads = omk_thread_count();
    if (threads <= 1 || total <= SERIAL_BYTES) {
        for (int i = 0; i < count; i++) kernel(&ws[i], x, xd, ys[i], 0, ws[i].rows);
        return;
    }
    int64_t target = total / ((int64_t)threads * CHUNKS_PER_THREAD);
    if (target < MIN_CHUNK_BYTES) target = MIN_CHUNK_BYTES;

    int64_t chunk_count = 0;
    int64_t rows_per_chunk[count > 0 ? count : 1];
    for (int i = 0; i < count; i++) {
        int64_t row_bytes = ws[i].cols * omk_dtype_size(ws[i].dtype);
        int64_t rows = row_bytes > 0 ? (target + row_bytes - 1) / row_bytes : ws[i].rows;
        rows = (rows + 3) & ~(int64_t)3; // keep the 4-row kernels busy
        if (rows < 4) rows = 4;
        rows_per_chunk[i] = rows;
        chunk_count += (ws[i].rows + rows - 1) / rows;
    }
    matvec_chunk stack_chunks[STACK_CHUNKS];
    matvec_chunk *chunks = chunk_count <= STACK_CHUNKS ? stack_chunks : malloc(sizeof(matvec_chunk) * (size_t)chunk_count);
    if (!chunks) { // out of memory for the task table: still compute, serially
        for (int i = 0; i < count; i++) kernel(&ws[i], x, xd, ys[i], 0, ws[i].rows);
        return;
    }
    int64_t n = 0;
    for (int i = 0; i < count; i++)
        for (int64_t r = 0; r < ws[i].rows; r += rows_per_chunk[i])
            chunks[n++] = (matvec_chunk){&ws[i], ys[i], r, r + rows_per_chunk[i] < ws[i].rows ? r + rows_per_chunk[i] : ws[i].rows};
    matvec_job job = {chunks, x, xd, kernel};
    omk_parallel_for(n, run_chunk, &job);
    if (chunks != stack_chunks) free(chunks);
}
