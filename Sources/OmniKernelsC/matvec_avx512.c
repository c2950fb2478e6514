// AVX-512 kernels: weight loads that widen F16/BF16 to f32 in registers, the matvec row kernel
// and the bulk conversion. Compiled for AVX-512 via target attributes; only called after
// runtime detection.
#include "internal.h"
#if OMK_X86
#include <immintrin.h>

OMK_TARGET_AVX512 static inline __m512 load16_f32(const void *p, int64_t i) {
    return _mm512_loadu_ps((const float *)p + i);
}
OMK_TARGET_AVX512 static inline __m512 load16_f16(const void *p, int64_t i) {
    return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)((const uint16_t *)p + i)));
}
OMK_TARGET_AVX512 static inline __m512 load16_bf16(const void *p, int64_t i) {
    __m512i wide = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)((const uint16_t *)p + i)));
    return _mm512_castsi512_ps(_mm512_slli_epi32(wide, 16));
}
OMK_TARGET_AVX512 static inline __m512 mload16_f32(const void *p, int64_t i, __mmask16 m) {
    return _mm512_maskz_loadu_ps(m, (const float *)p + i);
}
OMK_TARGET_AVX512 static inline __m512 mload16_f16(const void *p, int64_t i, __mmask16 m) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, (const uint16_t *)p + i));
}
OMK_TARGET_AVX512 static inline __m512 mload16_bf16(const void *p, int64_t i, __mmask16 m) {
    __m512i wide = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, (const uint16_t *)p + i));
    return _mm512_castsi512_ps(_mm512_slli_epi32(wide, 16));
}

#ifndef OMK_PF_DIST
#define OMK_PF_DIST 1024
#endif
// Software prefetch PF_DIST bytes ahead in each of the four row streams (one line per row per
// iteration for 2-byte dtypes, every other line for f32 is still requested by the second half).
#define OMK_PREFETCH4(p0, p1, p2, p3, c, ESIZE)                                                          \
    do {                                                                                                 \
        _mm_prefetch((const char *)(p0) + (c) * (ESIZE) + OMK_PF_DIST, _MM_HINT_T0);                     \
        _mm_prefetch((const char *)(p1) + (c) * (ESIZE) + OMK_PF_DIST, _MM_HINT_T0);                     \
        _mm_prefetch((const char *)(p2) + (c) * (ESIZE) + OMK_PF_DIST, _MM_HINT_T0);                     \
        _mm_prefetch((const char *)(p3) + (c) * (ESIZE) + OMK_PF_DIST, _MM_HINT_T0);                     \
    } while (0)

// Four rows at a time share each x load; two accumulators per row hide FMA latency.
#define OMK_DEFINE_MATVEC512(NAME, LOAD, MLOAD, ESIZE)                                                    \
    OMK_TARGET_AVX512 static void NAME(const omk_matrix *w, const float *x, float *y, int64_t r0,         \
                                       int64_t r1) {                                                     \
        const int64_t cols = w->cols;                                                                    \
        const char *base = (const char *)w->base;                                                        \
        const int64_t stride = cols * (ESIZE);                                                           \
        const int64_t main_end = cols & ~(int64_t)31;                                                    \
        int64_t r = r0;                                                                                  \
        for (; r + 4 <= r1; r += 4) {                                                                    \
            const void *p0 = base + r * stride, *p1 = base + (r + 1) * stride;                           \
            const void *p2 = base + (r + 2) * stride, *p3 = base + (r + 3) * stride;                     \
            __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;                                  \
            __m512 b0 = a0, b1 = a0, b2 = a0, b3 = a0;                                                   \
            int64_t c = 0;                                                                               \
            for (; c < main_end; c += 32) {                                                              \
                OMK_PREFETCH4(p0, p1, p2, p3, c, ESIZE);                                                 \
                __m512 xa = _mm512_loadu_ps(x + c), xb = _mm512_loadu_ps(x + c + 16);                    \
                a0 = _mm512_fmadd_ps(LOAD(p0, c), xa, a0);                                               \
                a1 = _mm512_fmadd_ps(LOAD(p1, c), xa, a1);                                               \
                a2 = _mm512_fmadd_ps(LOAD(p2, c), xa, a2);                                               \
                a3 = _mm512_fmadd_ps(LOAD(p3, c), xa, a3);                                               \
                b0 = _mm512_fmadd_ps(LOAD(p0, c + 16), xb, b0);                                          \
                b1 = _mm512_fmadd_ps(LOAD(p1, c + 16), xb, b1);                                          \
                b2 = _mm512_fmadd_ps(LOAD(p2, c + 16), xb, b2);                                          \
                b3 = _mm512_fmadd_ps(LOAD(p3, c + 16), xb, b3);                                          \
            }                                                                                            \
            for (; c < cols; c += 16) {                                                                  \
                int64_t left = cols - c;                                                                 \
                __mmask16 m = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1u);           \
                __m512 xa = _mm512_maskz_loadu_ps(m, x + c);                                             \
                a0 = _mm512_fmadd_ps(MLOAD(p0, c, m), xa, a0);                                           \
                a1 = _mm512_fmadd_ps(MLOAD(p1, c, m), xa, a1);                                           \
                a2 = _mm512_fmadd_ps(MLOAD(p2, c, m), xa, a2);                                           \
                a3 = _mm512_fmadd_ps(MLOAD(p3, c, m), xa, a3);                                           \
            }                                                                                            \
            y[r] = _mm512_reduce_add_ps(_mm512_add_ps(a0, b0));                                          \
            y[r + 1] = _mm512_reduce_add_ps(_mm512_add_ps(a1, b1));                                      \
            y[r + 2] = _mm512_reduce_add_ps(_mm512_add_ps(a2, b2));                                      \
            y[r + 3] = _mm512_reduce_add_ps(_mm512_add_ps(a3, b3));                                      \
        }                                                                                                \
        for (; r < r1; r++) {                                                                            \
            const void *p0 = base + r * stride;                                                          \
            __m512 a0 = _mm512_setzero_ps(), b0 = a0;                                                    \
            int64_t c = 0;                                                                               \
            for (; c < main_end; c += 32) {                                                              \
                a0 = _mm512_fmadd_ps(LOAD(p0, c), _mm512_loadu_ps(x + c), a0);                           \
                b0 = _mm512_fmadd_ps(LOAD(p0, c + 16), _mm512_loadu_ps(x + c + 16), b0);                 \
            }                                                                                            \
            for (; c < cols; c += 16) {                                                                  \
                int64_t left = cols - c;                                                                 \
                __mmask16 m = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1u);           \
                a0 = _mm512_fmadd_ps(MLOAD(p0, c, m), _mm512_maskz_loadu_ps(m, x + c), a0);              \
            }                                                                                            \
            y[r] = _mm512_reduce_add_ps(_mm512_add_ps(a0, b0));                                          \
        }                                                                                                \
    }

OMK_DEFINE_MATVEC512(matvec_f32, load16_f32, mload16_f32, 4)
OMK_DEFINE_MATVEC512(matvec_f16, load16_f16, mload16_f16, 2)

// One row at a time, four accumulators over 64 columns: a single weight stream per thread. Measured on
// Zen 5 (one core, DRAM-resident weights): 31-34 GB/s against 24-25 GB/s for the four-row kernels when x
// fits in L1 (<= 4096 columns); with 8192 columns x falls out of L1 and the four-row kernels win.
#define OMK_DEFINE_MATVEC512_SINGLE(NAME, LOAD, MLOAD)                                                     \
    OMK_TARGET_AVX512 static void NAME(const omk_matrix *w, const float *x, float *y, int64_t r0,         \
                                       int64_t r1) {                                                     \
        const int64_t cols = w->cols;                                                                    \
        const uint16_t *base = (const uint16_t *)w->base;                                                \
        const int64_t main_end = cols & ~(int64_t)63;                                                    \
        for (int64_t r = r0; r < r1; r++) {                                                              \
            const uint16_t *p = base + r * cols;                                                         \
            __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;                                  \
            int64_t c = 0;                                                                               \
            for (; c < main_end; c += 64) {                                                              \
                a0 = _mm512_fmadd_ps(LOAD(p, c), _mm512_loadu_ps(x + c), a0);                            \
                a1 = _mm512_fmadd_ps(LOAD(p, c + 16), _mm512_loadu_ps(x + c + 16), a1);                  \
                a2 = _mm512_fmadd_ps(LOAD(p, c + 32), _mm512_loadu_ps(x + c + 32), a2);                  \
                a3 = _mm512_fmadd_ps(LOAD(p, c + 48), _mm512_loadu_ps(x + c + 48), a3);                  \
            }                                                                                            \
            for (; c < cols; c += 16) {                                                                  \
                int64_t left = cols - c;                                                                 \
                __mmask16 m = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1u);           \
                a0 = _mm512_fmadd_ps(MLOAD(p, c, m), _mm512_maskz_loadu_ps(m, x + c), a0);               \
            }                                                                                            \
            y[r] = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));    \
        }                                                                                                \
    }

OMK_DEFINE_MATVEC512_SINGLE(matvec_f16_single, load16_f16, mload16_f16)
OMK_DEFINE_MATVEC512_SINGLE(matvec_bf16_single, load16_bf16, mload16_bf16)

/// Columns up to which the single-row kernels are used for 2-byte weights (x of 16 KiB stays in L1).
enum { SINGLE_ROW_MAX_COLS = 4096 };

// BF16 without widening shuffles: a 64-byte load holds 32 bf16 values; shifting each 32-bit lane left
// by 16 yields the even-indexed values as f32 and masking the low half yields the odd-indexed ones.
// They multiply x "deinterleaved" per 32-column block (see omk_deinterleave32_avx512), which halves
// the instructions per byte compared with widening loads.
#define OMK_EVEN(v) _mm512_castsi512_ps(_mm512_slli_epi32((v), 16))
#define OMK_ODD(v, mask) _mm512_castsi512_ps(_mm512_and_si512((v), (mask)))

OMK_TARGET_AVX512 static void matvec_bf16(const omk_matrix *w, const float *x, const float *xd, float *y, int64_t r0,
                                          int64_t r1) {
    const int64_t cols = w->cols;
    const uint16_t *base = (const uint16_t *)w->base;
    const int64_t main_end = cols & ~(int64_t)31;
    const __m512i odd = _mm512_set1_epi32((int)0xffff0000u);
    int64_t r = r0;
    for (; r + 4 <= r1; r += 4) {
        const uint16_t *p0 = base + r * cols, *p1 = p0 + cols, *p2 = p1 + cols, *p3 = p2 + cols;
        __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        __m512 b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int64_t c = 0;
        for (; c < main_end; c += 32) {
            OMK_PREFETCH4(p0, p1, p2, p3, c, 2);
            __m512 xe = _mm512_loadu_ps(xd + c), xo = _mm512_loadu_ps(xd + c + 16);
            __m512i v0 = _mm512_loadu_si512(p0 + c), v1 = _mm512_loadu_si512(p1 + c);
            __m512i v2 = _mm512_loadu_si512(p2 + c), v3 = _mm512_loadu_si512(p3 + c);
            a0 = _mm512_fmadd_ps(OMK_EVEN(v0), xe, a0);
            b0 = _mm512_fmadd_ps(OMK_ODD(v0, odd), xo, b0);
            a1 = _mm512_fmadd_ps(OMK_EVEN(v1), xe, a1);
            b1 = _mm512_fmadd_ps(OMK_ODD(v1, odd), xo, b1);
            a2 = _mm512_fmadd_ps(OMK_EVEN(v2), xe, a2);
            b2 = _mm512_fmadd_ps(OMK_ODD(v2, odd), xo, b2);
            a3 = _mm512_fmadd_ps(OMK_EVEN(v3), xe, a3);
            b3 = _mm512_fmadd_ps(OMK_ODD(v3, odd), xo, b3);
        }
        for (; c < cols; c += 16) {
            int64_t left = cols - c;
            __mmask16 m = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1u);
            __m512 xa = _mm512_maskz_loadu_ps(m, x + c);
            a0 = _mm512_fmadd_ps(mload16_bf16(p0, c, m), xa, a0);
            a1 = _mm512_fmadd_ps(mload16_bf16(p1, c, m), xa, a1);
            a2 = _mm512_fmadd_ps(mload16_bf16(p2, c, m), xa, a2);
            a3 = _mm512_fmadd_ps(mload16_bf16(p3, c, m), xa, a3);
        }
        y[r] = _mm512_reduce_add_ps(_mm512_add_ps(a0, b0));
        y[r + 1] = _mm512_reduce_add_ps(_mm512_add_ps(a1, b1));
        y[r + 2] = _mm512_reduce_add_ps(_mm512_add_ps(a2, b2));
        y[r + 3] = _mm512_reduce_add_ps(_mm512_add_ps(a3, b3));
    }
    for (; r < r1; r++) {
        const uint16_t *p0 = base + r * cols;
        __m512 a0 = _mm512_setzero_ps(), b0 = a0;
        int64_t c = 0;
        for (; c < main_end; c += 32) {
            __m512i v0 = _mm512_loadu_si512(p0 + c);
            a0 = _mm512_fmadd_ps(OMK_EVEN(v0), _mm512_loadu_ps(xd + c), a0);
            b0 = _mm512_fmadd_ps(OMK_ODD(v0, odd), _mm512_loadu_ps(xd + c + 16), b0);
        }
        for (; c < cols; c += 16) {
            int64_t left = cols - c;
            __mmask16 m = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1u);
            a0 = _mm512_fmadd_ps(mload16_bf16(p0, c, m), _mm512_maskz_loadu_ps(m, x + c), a0);
        }
        y[r] = _mm512_reduce_add_ps(_mm512_add_ps(a0, b0));
    }
}

OMK_TARGET_AVX512 void omk_deinterleave32_avx512(const float *x, int64_t count, float *xd) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    for (int64_t c = 0; c + 32 <= count; c += 32) {
        __m512 lo = _mm512_loadu_ps(x + c), hi = _mm512_loadu_ps(x + c + 16);
        _mm512_storeu_ps(xd + c, _mm512_permutex2var_ps(lo, even, hi));
        _mm512_storeu_ps(xd + c + 16, _mm512_permutex2var_ps(lo, odd, hi));
    }
}

void omk_matvec_rows_avx512(const omk_matrix *w, const float *x, const float *xd, float *y, int64_t r0, int64_t r1) {
    switch (w->dtype) {
    case OMK_F32: matvec_f32(w, x, y, r0, r1); return;
    case OMK_F16:
        if (w->cols <= SINGLE_ROW_MAX_COLS) matvec_f16_single(w, x, y, r0, r1);
        else matvec_f16(w, x, y, r0, r1);
        return;
    case OMK_BF16:
        if (w->cols <= SINGLE_ROW_MAX_COLS) matvec_bf16_single(w, x, y, r0, r1);
        else matvec_bf16(w, x, xd, y, r0, r1);
        return;
    }
}

OMK_TARGET_AVX512 void omk_to_f32_avx512(const void *src, omk_dtype dtype, int64_t count, float *dst) {
    int64_t i = 0;
    switch (dtype) {
    case OMK_F32:
        memmove(dst, src, (size_t)count * sizeof(float));
        return;
    case OMK_F16:
        for (; i + 16 <= count; i += 16) _mm512_storeu_ps(dst + i, load16_f16(src, i));
        break;
    case OMK_BF16:
        for (; i + 16 <= count; i += 16) _mm512_storeu_ps(dst + i, load16_bf16(src, i));
        break;
    }
    if (i < count) {
        __mmask16 m = (__mmask16)((1u << (count - i)) - 1u);
        __m512 v = dtype == OMK_F16 ? mload16_f16(src, i, m) : mload16_bf16(src, i, m);
        _mm512_mask_storeu_ps(dst + i, m, v);
    }
}
#endif
