// Internal declarations shared by the OmniKernelsC translation units.
#ifndef OMNI_KERNELS_C_INTERNAL_H
#define OMNI_KERNELS_C_INTERNAL_H

#include "OmniKernelsC.h"
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#define OMK_X86 1
#define OMK_TARGET_AVX2 __attribute__((target("avx2,fma,f16c")))
#define OMK_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")))
#else
#define OMK_X86 0
#endif

#if defined(__aarch64__)
#define OMK_NEON 1
#else
#define OMK_NEON 0
#endif

enum { OMK_LEVEL_PORTABLE = 0, OMK_LEVEL_AVX2 = 1, OMK_LEVEL_AVX512 = 2, OMK_LEVEL_NEON = 3 };

static inline uint32_t omk_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float omk_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

/// Bytes per element of a dtype.
static inline int64_t omk_dtype_size(omk_dtype d) { return d == OMK_F32 ? 4 : 2; }

// Per-level conversion loops (defined in convert_*.c).
void omk_to_f32_portable(const void *src, omk_dtype dtype, int64_t count, float *dst);
#if OMK_X86
void omk_to_f32_avx2(const void *src, omk_dtype dtype, int64_t count, float *dst);
void omk_to_f32_avx512(const void *src, omk_dtype dtype, int64_t count, float *dst);
#endif

// Per-level matvec row kernels (defined in matvec_*.c).
void omk_matvec_rows_portable(const omk_matrix *w, const float *x, float *y, int64_t r0, int64_t r1);
#if OMK_X86
void omk_matvec_rows_avx2(const omk_matrix *w, const float *x, float *y, int64_t r0, int64_t r1);
/// xd: x deinterleaved per 32-column block (omk_deinterleave32_avx512), needed by the BF16 kernel.
void omk_matvec_rows_avx512(const omk_matrix *w, const float *x, const float *xd, float *y, int64_t r0, int64_t r1);
void omk_deinterleave32_avx512(const float *x, int64_t count, float *xd);
#endif
#if OMK_NEON
void omk_matvec_rows_neon(const omk_matrix *w, const float *x, float *y, int64_t r0, int64_t r1);
#endif

// Vectorised element-wise pieces (defined in elementwise_x86.c).
#if OMK_X86
void omk_silu_mul_avx512(float *gate, const float *up, int64_t count);
void omk_silu_mul_avx2(float *gate, const float *up, int64_t count);
/// Writes exp(x[i] - max) into x and returns their sum.
float omk_softmax_exp_avx512(float *x, int64_t count, float max);
float omk_softmax_exp_avx2(float *x, int64_t count, float max);
double omk_sum_squares_avx512(const float *x, int64_t count);
#endif

/// Makes sure OpenBLAS runs single-threaded (the pool provides the parallelism) and uses its best kernels.
void omk_blas_setup(void);

#endif
