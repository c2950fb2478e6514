// Runtime CPU feature detection: picks the widest SIMD level the CPU and OS support.
#include "internal.h"
#include <pthread.h>
#include <stdatomic.h>

static _Atomic int detected_level = -1;
static _Atomic int forced_level = -1;

static int detect(void) {
#if OMK_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))
        return OMK_LEVEL_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))
        return OMK_LEVEL_AVX2;
    return OMK_LEVEL_PORTABLE;
#elif OMK_NEON
    return OMK_LEVEL_NEON;
#else
    return OMK_LEVEL_PORTABLE;
#endif
}

static int hardware_level(void) {
    int level = atomic_load_explicit(&detected_level, memory_order_relaxed);
    if (level < 0) {
        level = detect();
        atomic_store_explicit(&detected_level, level, memory_order_relaxed);
    }
    return level;
}

int omk_simd_level(void) {
    int hw = hardware_level();
    int forced = atomic_load_explicit(&forced_level, memory_order_relaxed);
    if (forced < 0) return hw;
    // NEON and x86 levels are not ordered against each other: a forced level only ever lowers to portable there.
    if (hw == OMK_LEVEL_NEON) return forced == OMK_LEVEL_PORTABLE ? OMK_LEVEL_PORTABLE : hw;
    return forced < hw ? forced : hw;
}

void omk_set_simd_level(int level) {
    atomic_store_explicit(&forced_level, level < 0 ? -1 : level, memory_order_relaxed);
}

const char *omk_simd_level_name(void) {
    switch (omk_simd_level()) {
    case OMK_LEVEL_AVX512: return "avx512";
    case OMK_LEVEL_AVX2: return "avx2+fma+f16c";
    case OMK_LEVEL_NEON: return "neon";
    default: return "portable";
    }
}
