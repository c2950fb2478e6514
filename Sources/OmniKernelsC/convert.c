// Scalar and portable dtype conversions (bit manipulation, no hardware half support needed),
// plus the dispatching entry points.
#include "internal.h"
#if OMK_NEON
#include <arm_neon.h>
#endif

float omk_bf16_to_f32(uint16_t h) { return omk_float((uint32_t)h << 16); }

float omk_f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exponent = (h >> 10) & 0x1fu;
    uint32_t mantissa = h & 0x3ffu;
    uint32_t bits;
    if (exponent == 0x1fu) {
        // Inf or NaN: all-ones f32 exponent, mantissa (payload) kept in the high bits.
        bits = 0x7f800000u | (mantissa << 13);
    } else if (exponent != 0) {
        bits = ((exponent + (127 - 15)) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = 0;
    } else {
        // Subnormal half: mantissa * 2^-24 is exact in f32 (a normal number there).
        float value = (float)mantissa * 0x1p-24f;
        return sign ? -value : value;
    }
    return omk_float(sign | bits);
}

uint16_t omk_f32_to_bf16(float f) {
    uint32_t u = omk_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return 0x7fc0u; // NaN -> canonical quiet NaN (as torch)
    uint32_t rounding = 0x7fffu + ((u >> 16) & 1u);       // round to nearest, ties to even
    return (uint16_t)((u + rounding) >> 16);
}

uint16_t omk_f32_to_f16(float f) {
    uint32_t u = omk_bits(f);
    uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
    uint32_t a = u & 0x7fffffffu;
    if (a > 0x7f800000u) return sign | 0x7e00u;   // NaN -> canonical quiet NaN, sign kept (as torch)
    if (a >= 0x477ff000u) return sign | 0x7c00u;  // >= 65520 rounds to infinity
    uint32_t exponent = a >> 23;
    if (exponent >= 113) {
        // Normal half: rebias, keep 10 mantissa bits, round the 13 dropped bits to nearest even.
        uint32_t h = ((exponent - 112) << 10) | ((a >> 13) & 0x3ffu);
        uint32_t rest = a & 0x1fffu;
        if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) h += 1; // carry may bump the exponent: still correct
        return sign | (uint16_t)h;
    }
    if (exponent < 102) return sign; // below 2^-25: rounds to zero (2^-25 itself is a tie to even zero)
    // Subnormal half: value = m * 2^(exponent-150), half units are 2^-24, so shift right by 126 - exponent.
    uint32_t m = (a & 0x7fffffu) | 0x800000u;
    uint32_t shift = 126 - exponent;
    uint32_t h = m >> shift;
    uint32_t rest = m & ((1u << shift) - 1u);
    uint32_t half = 1u << (shift - 1);
    if (rest > half || (rest == half && (h & 1u))) h += 1;
    return sign | (uint16_t)h;
}

void omk_to_f32_portable(const void *src, omk_dtype dtype, int64_t count, float *dst) {
    switch (dtype) {
    case OMK_F32:
        memmove(dst, src, (size_t)count * sizeof(float));
        break;
    case OMK_BF16: {
        const uint16_t *s = src;
        for (int64_t i = 0; i < count; i++) dst[i] = omk_float((uint32_t)s[i] << 16);
        break;
    }
    case OMK_F16: {
        const uint16_t *s = src;
        for (int64_t i = 0; i < count; i++) dst[i] = omk_f16_to_f32(s[i]);
        break;
    }
    }
}

#if OMK_NEON
static void to_f32_neon(const void *src, omk_dtype dtype, int64_t count, float *dst) {
    const uint16_t *s = src;
    int64_t i = 0;
    if (dtype == OMK_F16) {
        for (; i + 4 <= count; i += 4) vst1q_f32(dst + i, vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(s + i))));
    } else if (dtype == OMK_BF16) {
        for (; i + 4 <= count; i += 4) vst1q_f32(dst + i, vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(s + i), 16)));
    }
    omk_to_f32_portable(dtype == OMK_F32 ? src : (const void *)(s + i), dtype, count - (dtype == OMK_F32 ? 0 : i),
                        dst + (dtype == OMK_F32 ? 0 : i));
}
#endif

void omk_to_f32(const void *src, omk_dtype dtype, int64_t count, float *dst) {
    switch (omk_simd_level()) {
#if OMK_NEON
    case OMK_LEVEL_NEON: to_f32_neon(src, dtype, count, dst); return;
#endif
#if OMK_X86
    case OMK_LEVEL_AVX512: omk_to_f32_avx512(src, dtype, count, dst); return;
    case OMK_LEVEL_AVX2: omk_to_f32_avx2(src, dtype, count, dst); return;
#endif
    default: omk_to_f32_portable(src, dtype, count, dst); return;
    }
}

void omk_from_f32(const float *src, int64_t count, omk_dtype dtype, void *dst) {
    switch (dtype) {
    case OMK_F32:
        memmove(dst, src, (size_t)count * sizeof(float));
        break;
    case OMK_BF16: {
        uint16_t *d = dst;
        for (int64_t i = 0; i < count; i++) d[i] = omk_f32_to_bf16(src[i]);
        break;
    }
    case OMK_F16: {
        uint16_t *d = dst;
        for (int64_t i = 0; i < count; i++) d[i] = omk_f32_to_f16(src[i]);
        break;
    }
    }
}
