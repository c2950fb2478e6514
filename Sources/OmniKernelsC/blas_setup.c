// OpenBLAS configuration: single-threaded BLAS calls (the pool supplies the parallelism, so the two
// never oversubscribe the cores) and, on AVX-512 CPUs that this OpenBLAS build does not recognise
// (0.3.21 predates Zen 4/5 and falls back to Haswell kernels), a switch to its SkylakeX kernels,
// which roughly double sgemm throughput there.
#define _GNU_SOURCE
#include "internal.h"
#include <cblas.h>
#include <pthread.h>
#include <stdlib.h>

// Present in DYNAMIC_ARCH builds of OpenBLAS; weak so other builds still link.
extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));

static pthread_once_t blas_once = PTHREAD_ONCE_INIT;

#if OMK_X86
static int core_has_avx512_kernels(const char *name) {
    return strcmp(name, "SkylakeX") == 0 || strcmp(name, "Cooperlake") == 0 || strcmp(name, "SapphireRapids") == 0;
}

#endif

static void setup(void) {
#if OMK_X86
    const char *name = openblas_get_corename();
    const char *requested = getenv("OPENBLAS_CORETYPE"); // an explicit choice by the user always wins
    if ((requested == NULL || *requested == 0) && gotoblas_dynamic_init && gotoblas_dynamic_quit && name &&
        !core_has_avx512_kernels(name) && omk_simd_level() == OMK_LEVEL_AVX512 &&
        getenv("OMNI_KEEP_BLAS_CORE") == NULL) {
        setenv("OPENBLAS_CORETYPE", "SKYLAKEX", 1);
        gotoblas_dynamic_quit();
        gotoblas_dynamic_init();
    }
#endif
    openblas_set_num_threads(1);
}

void omk_blas_setup(void) { pthread_once(&blas_once, setup); }

const char *omk_blas_core_name(void) {
    omk_blas_setup();
    const char *name = openblas_get_corename();
    return name ? name : "unknown";
}

#include <malloc.h>

void omk_keep_large_allocations(void) {
#ifdef M_MMAP_THRESHOLD
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
}
