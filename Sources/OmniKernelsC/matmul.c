// Matrix-matrix products for prefill and attention on top of single-threaded cblas_sgemm calls,
// one per block of output columns, spread over the pool. F16/BF16 weight blocks are widened into a
// per-thread f32 scratch right before their sgemm, so weights are never upcast as a whole.
#include "internal.h"
#include <cblas.h>
#include <stdlib.h>

// f32 scratch per converted block (per thread). Single-threaded sgemm (OpenBLAS Haswell and Cooperlake
// kernels on Zen 5) measured best with >= 1 MiB blocks for 2048 columns and >= 128 rows (4 MiB) for 8192.
static int64_t scratch_bytes_target = 2 << 20;

void omk_set_matmul_scratch_bytes(int64_t bytes) { scratch_bytes_target = bytes > 4096 ? bytes : 4096; }

static _Thread_local float *scratch = NULL;
static _Thread_local int64_t scratch_capacity = 0;

static float *thread_scratch(int64_t floats) {
    if (floats > scratch_capacity) {
        free(scratch);
        scratch = aligned_alloc(64, (size_t)((floats * 4 + 63) & ~(int64_t)63));
        scratch_capacity = scratch ? floats : 0;
    }
    return scratch;
}

typedef struct {
    const omk_matrix *w;
    const float *x;
    int64_t n;
    float *y;
    int64_t block_rows;
} matmul_job;

static void matmul_block(void *context, int64_t t) {
    const matmul_job *job = context;
    const omk_matrix *w = job->w;
    int64_t r0 = t * job->block_rows;
    int64_t rows = w->rows - r0 < job->block_rows ? w->rows - r0 : job->block_rows;
    const float *b;
    if (w->dtype == OMK_F32) {
        b = (const float *)w->base + r0 * w->cols;
    } else {
        float *buffer = thread_scratch(rows * w->cols);
        const char *src = (const char *)w->base + r0 * w->cols * omk_dtype_size(w->dtype);
        if (buffer) {
            omk_to_f32(src, w->dtype, rows * w->cols, buffer);
            b = buffer;
        } else {
            // No memory for scratch: fall back to one matvec per token for this block.
            for (int64_t i = 0; i < job->n; i++) omk_matvec_rows(&(omk_matrix){src, rows, w->cols, w->dtype},
                                                                job->x + i * w->cols, job->y + i * w->rows + r0, 0, rows);
            return;
        }
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)job->n, (int)rows, (int)w->cols, 1.0f, job->x,
                (int)w->cols, b, (int)w->cols, 0.0f, job->y + r0, (int)w->rows);
}

void omk_matmul(const omk_matrix *w, const float *x, int64_t n, float *y) {
    if (n <= 0 || w->rows <= 0) return;
    if (n == 1) {
        omk_matvec_batch(w, 1, x, &y);
        return;
    }
    omk_blas_setup();
    // Block sizes depend only on the shapes, never on the thread count, so the thread count cannot change
    // results (OpenBLAS may order sums differently for differently shaped calls).
    int64_t block = scratch_bytes_target / (4 * (w->cols > 0 ? w->cols : 1));
    if (block < 128) block = 128;
    int64_t quarter = (w->rows + 3) / 4; // at least four blocks, so two threads can share the work
    if (block > quarter) block = quarter;
    block = block < 16 ? 16 : (block + 15) & ~(int64_t)15;
    matmul_job job = {w, x, n, y, block};
    omk_parallel_for((w->rows + block - 1) / block, matmul_block, &job);
}

typedef struct {
    int trans_a, trans_b;
    int64_t m, n, k, lda, ldb, ldc, block;
    float alpha, beta;
    const float *a, *b;
    float *c;
} sgemm_job;

static void sgemm_block(void *context, int64_t t) {
    const sgemm_job *j = context;
    int64_t m0 = t * j->block;
    int64_t rows = j->m - m0 < j->block ? j->m - m0 : j->block;
    const float *a = j->trans_a ? j->a + m0 : j->a + m0 * j->lda;
    cblas_sgemm(CblasRowMajor, j->trans_a ? CblasTrans : CblasNoTrans, j->trans_b ? CblasTrans : CblasNoTrans,
                (int)rows, (int)j->n, (int)j->k, j->alpha, a, (int)j->lda, j->b, (int)j->ldb, j->beta,
                j->c + m0 * j->ldc, (int)j->ldc);
}

void omk_sgemm(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
               const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    if (m <= 0 || n <= 0) return;
    omk_blas_setup();
    // Blocks of C rows fixed by the shape alone (see omk_matmul), small enough to share between threads.
    int64_t block = m;
    if ((double)m * n * k >= 1e6 && m >= 32) block = m >= 512 ? 128 : (m >= 128 ? 32 : 16);
    sgemm_job job = {trans_a, trans_b, m, n, k, lda, ldb, ldc, block, alpha, beta, a, b, c};
    omk_parallel_for((m + block - 1) / block, sgemm_block, &job);
}
