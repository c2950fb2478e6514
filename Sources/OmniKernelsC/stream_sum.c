// A streaming read kernel (sum of floats) used to measure the memory bandwidth the matvec kernels
// should reach: same SIMD width, independent accumulators, no stores.
#include "internal.h"
#if OMK_X86
#include <immintrin.h>

OMK_TARGET_AVX512 static float sum_avx512(const float *p, int64_t n) {
    __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    int64_t i = 0;
    for (; i + 64 <= n; i += 64) {
        s0 = _mm512_add_ps(s0, _mm512_loadu_ps(p + i));
        s1 = _mm512_add_ps(s1, _mm512_loadu_ps(p + i + 16));
        s2 = _mm512_add_ps(s2, _mm512_loadu_ps(p + i + 32));
        s3 = _mm512_add_ps(s3, _mm512_loadu_ps(p + i + 48));
    }
    float total = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
    for (; i < n; i++) total += p[i];
    return total;
}

OMK_TARGET_AVX2 static float sum_avx2(const float *p, int64_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_add_ps(s0, _mm256_loadu_ps(p + i));
        s1 = _mm256_add_ps(s1, _mm256_loadu_ps(p + i + 8));
        s2 = _mm256_add_ps(s2, _mm256_loadu_ps(p + i + 16));
        s3 = _mm256_add_ps(s3, _mm256_loadu_ps(p + i + 24));
    }
    __m256 s = _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3));
    float lanes[8];
    _mm256_storeu_ps(lanes, s);
    float total = 0;
    for (int j = 0; j < 8; j++) total += lanes[j];
    for (; i < n; i++) total += p[i];
    return total;
}
#endif

static float sum_portable(const float *p, int64_t n) {
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) s[j] += p[i + j];
    float total = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
    for (; i < n; i++) total += p[i];
    return total;
}

float omk_stream_sum(const float *p, int64_t count) {
    switch (omk_simd_level()) {
#if OMK_X86
    case OMK_LEVEL_AVX512: return sum_avx512(p, count);
    case OMK_LEVEL_AVX2: return sum_avx2(p, count);
#endif
    default: return sum_portable(p, count);
    }
}
