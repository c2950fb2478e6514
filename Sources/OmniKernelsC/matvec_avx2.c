// AVX2+FMA+F16C kernels: the matvec row kernel and the bulk conversion, 8 lanes wide.
// Compiled via target attributes; only called after runtime detection.
#include "internal.h"
#if OMK_X86
#include <immintrin.h>

OMK_TARGET_AVX2 static inline __m256 load8_f32(const void *p, int64_t i) {
    return _mm256_loadu_ps((const float *)p + i);
}
OMK_TARGET_AVX2 static inline __m256 load8_f16(const void *p, int64_t i) {
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)((const uint16_t *)p + i)));
}
OMK_TARGET_AVX2 static inline __m256 load8_bf16(const void *p, int64_t i) {
    __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)((const uint16_t *)p + i)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
}
static inline float load1_f32(const void *p, int64_t i) { return ((const float *)p)[i]; }
static inline float load1_f16(const void *p, int64_t i) { return omk_f16_to_f32(((const uint16_t *)p)[i]); }
static inline float load1_bf16(const void *p, int64_t i) { return omk_bf16_to_f32(((const uint16_t *)p)[i]); }

OMK_TARGET_AVX2 static inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// Four rows at a time share each x load; two accumulators per row hide FMA latency.
#define OMK_DEFINE_MATVEC256(NAME, LOAD, LOAD1, ESIZE)                                                    \
    OMK_TARGET_AVX2 static void NAME(const omk_matrix *w, const float *x, float *y, int64_t r0,          \
                                     int64_t r1) {                                                       \
        const int64_t cols = w->cols;                                                                    \
        const char *base = (const char *)w->base;                                                        \
        const int64_t stride = cols * (ESIZE);                                                           \
        const int64_t main_end = cols & ~(int64_t)15;                                                    \
        int64_t r = r0;                                                                                  \
        for (; r + 4 <= r1; r += 4) {                                                                    \
            const void *p0 = base + r * stride, *p1 = base + (r + 1) * stride;                           \
            const void *p2 = base + (r + 2) * stride, *p3 = base + (r + 3) * stride;                     \
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;                                  \
            __m256 b0 = a0, b1 = a0, b2 = a0, b3 = a0;                                                   \
            int64_t c = 0;                                                                               \
            for (; c < main_end; c += 16) {                                                              \
                __m256 xa = _mm256_loadu_ps(x + c), xb = _mm256_loadu_ps(x + c + 8);                     \
                a0 = _mm256_fmadd_ps(LOAD(p0, c), xa, a0);                                               \
                a1 = _mm256_fmadd_ps(LOAD(p1, c), xa, a1);                                               \
                a2 = _mm256_fmadd_ps(LOAD(p2, c), xa, a2);                                               \
                a3 = _mm256_fmadd_ps(LOAD(p3, c), xa, a3);                                               \
                b0 = _mm256_fmadd_ps(LOAD(p0, c + 8), xb, b0);                                           \
                b1 = _mm256_fmadd_ps(LOAD(p1, c + 8), xb, b1);                                           \
                b2 = _mm256_fmadd_ps(LOAD(p2, c + 8), xb, b2);                                           \
                b3 = _mm256_fmadd_ps(LOAD(p3, c + 8), xb, b3);                                           \
            }                                                                                            \
            float s0 = hsum8(_mm256_add_ps(a0, b0)), s1 = hsum8(_mm256_add_ps(a1, b1));                  \
            float s2 = hsum8(_mm256_add_ps(a2, b2)), s3 = hsum8(_mm256_add_ps(a3, b3));                  \
            for (; c < cols; c++) {                                                                      \
                float xc = x[c];                                                                         \
                s0 += LOAD1(p0, c) * xc;                                                                 \
                s1 += LOAD1(p1, c) * xc;                                                                 \
                s2 += LOAD1(p2, c) * xc;                                                                 \
                s3 += LOAD1(p3, c) * xc;                                                                 \
            }                                                                                            \
            y[r] = s0;                                                                                   \
            y[r + 1] = s1;                                                                               \
            y[r + 2] = s2;                                                                               \
            y[r + 3] = s3;                                                                               \
        }                                                                                                \
        for (; r < r1; r++) {                                                                            \
            const void *p0 = base + r * stride;                                                          \
            __m256 a0 = _mm256_setzero_ps(), b0 = a0;                                                    \
            int64_t c = 0;                                                                               \
            for (; c < main_end; c += 16) {                                                              \
                a0 = _mm256_fmadd_ps(LOAD(p0, c), _mm256_loadu_ps(x + c), a0);                           \
                b0 = _mm256_fmadd_ps(LOAD(p0, c + 8), _mm256_loadu_ps(x + c + 8), b0);                   \
            }                                                                                            \
            float s0 = hsum8(_mm256_add_ps(a0, b0));                                                     \
            for (; c < cols; c++) s0 += LOAD1(p0, c) * x[c];                                             \
            y[r] = s0;                                                                                   \
        }                                                                                                \
    }

// One row at a time (a single weight stream), for 2-byte weights with <= 4096 columns; see the AVX-512 file.
#define OMK_DEFINE_MATVEC256_SINGLE(NAME, LOAD, LOAD1)                                                     \
    OMK_TARGET_AVX2 static void NAME(const omk_matrix *w, const float *x, float *y, int64_t r0,          \
                                     int64_t r1) {                                                       \
        const int64_t cols = w->cols;                                                                    \
        const uint16_t *base = (const uint16_t *)w->base;                                                \
        const int64_t main_end = cols & ~(int64_t)31;                                                    \
        for (int64_t r = r0; r < r1; r++) {                                                              \
            const uint16_t *p = base + r * cols;                                                         \
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;                                  \
            int64_t c = 0;                                                                               \
            for (; c < main_end; c += 32) {                                                              \
                a0 = _mm256_fmadd_ps(LOAD(p, c), _mm256_loadu_ps(x + c), a0);                            \
                a1 = _mm256_fmadd_ps(LOAD(p, c + 8), _mm256_loadu_ps(x + c + 8), a1);                    \
                a2 = _mm256_fmadd_ps(LOAD(p, c + 16), _mm256_loadu_ps(x + c + 16), a2);                  \
                a3 = _mm256_fmadd_ps(LOAD(p, c + 24), _mm256_loadu_ps(x + c + 24), a3);                  \
            }                                                                                            \
            float sum = hsum8(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));              \
            for (; c < cols; c++) sum += LOAD1(p, c) * x[c];                                             \
            y[r] = sum;                                                                                  \
        }                                                                                                \
    }

OMK_DEFINE_MATVEC256_SINGLE(matvec_f16_single, load8_f16, load1_f16)
OMK_DEFINE_MATVEC256_SINGLE(matvec_bf16_single, load8_bf16, load1_bf16)

OMK_DEFINE_MATVEC256(matvec_f32, load8_f32, load1_f32, 4)
OMK_DEFINE_MATVEC256(matvec_f16, load8_f16, load1_f16, 2)
OMK_DEFINE_MATVEC256(matvec_bf16, load8_bf16, load1_bf16, 2)

void omk_matvec_rows_avx2(const omk_matrix *w, const float *x, float *y, int64_t r0, int64_t r1) {
    switch (w->dtype) {
    case OMK_F32: matvec_f32(w, x, y, r0, r1); return;
    case OMK_F16:
        if (w->cols <= 4096) matvec_f16_single(w, x, y, r0, r1);
        else matvec_f16(w, x, y, r0, r1);
        return;
    case OMK_BF16:
        if (w->cols <= 4096) matvec_bf16_single(w, x, y, r0, r1);
        else matvec_bf16(w, x, y, r0, r1);
        return;
    }
}

OMK_TARGET_AVX2 void omk_to_f32_avx2(const void *src, omk_dtype dtype, int64_t count, float *dst) {
    int64_t i = 0;
    switch (dtype) {
    case OMK_F32:
        memmove(dst, src, (size_t)count * sizeof(float));
        return;
    case OMK_F16:
        for (; i + 8 <= count; i += 8) _mm256_storeu_ps(dst + i, load8_f16(src, i));
        for (; i < count; i++) dst[i] = load1_f16(src, i);
        return;
    case OMK_BF16:
        for (; i + 8 <= count; i += 8) _mm256_storeu_ps(dst + i, load8_bf16(src, i));
        for (; i < count; i++) dst[i] = load1_bf16(src, i);
        return;
    }
}
#endif
