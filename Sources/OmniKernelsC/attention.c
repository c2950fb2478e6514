// Causal grouped-query attention over a KV cache, parallel over heads (and query blocks), built on
// single-threaded sgemm calls: scores = q kᵀ * scale, a causal row softmax, then scores v.
#include "internal.h"
#include <cblas.h>
#include <math.h>
#include <stdlib.h>

enum { QUERY_BLOCK = 64 };

typedef struct {
    const float *q;
    int64_t n, heads, kv_heads, head_dim;
    const float *keys, *values;
    int64_t position_stride, length;
    float scale;
    float *out;
    int64_t query_blocks; // per head (n > 1) ; 0 when tasks are whole KV groups (n == 1)
    int *failed;
} attention_job;

static _Thread_local float *scores = NULL;
static _Thread_local int64_t scores_capacity = 0;

static float *score_buffer(int64_t floats) {
    if (floats > scores_capacity) {
        free(scores);
        scores = malloc((size_t)floats * sizeof(float));
        scores_capacity = scores ? floats : 0;
    }
    return scores;
}

/// Rows are queries at positions first_position + row * position_step (position_step 0: all rows at the same
/// position, as for several heads of one decode token). Keys and values of one KV head.
static void attend(const attention_job *j, const float *q, int64_t q_stride, int64_t rows, int64_t first_position,
                   int64_t position_step, const float *k, const float *v, float *out, int64_t out_stride) {
    int64_t visible = first_position + (rows - 1) * position_step + 1; // positions the last row may see
    float *s = score_buffer(rows * visible);
    if (!s) {
        *j->failed = 1;
        return;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)visible, (int)j->head_dim, j->scale, q,
                (int)q_stride, k, (int)j->position_stride, 0.0f, s, (int)visible);
    for (int64_t r = 0; r < rows; r++) {
        int64_t allowed = first_position + r * position_step + 1;
        float *row = s + r * visible;
        omk_softmax(row, allowed);
        for (int64_t p = allowed; p < visible; p++) row[p] = 0; // causal mask
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)j->head_dim, (int)visible, 1.0f, s,
                (int)visible, v, (int)j->position_stride, 0.0f, out, (int)out_stride);
}

static void attention_task(void *context, int64_t t) {
    const attention_job *j = context;
    int64_t group = j->heads / j->kv_heads;
    int64_t row_stride = j->heads * j->head_dim; // between consecutive tokens in q and out
    if (j->query_blocks == 0) {
        // One token: the `group` query heads sharing KV head t are contiguous rows of q.
        int64_t h0 = t * group;
        attend(j, j->q + h0 * j->head_dim, j->head_dim, group, j->length - 1, 0, j->keys + t * j->head_dim,
               j->values + t * j->head_dim, j->out + h0 * j->head_dim, j->head_dim);
        return;
    }
    int64_t h = t / j->query_blocks;
    int64_t block = t % j->query_blocks;
    int64_t i0 = block * QUERY_BLOCK;
    int64_t rows = j->n - i0 < QUERY_BLOCK ? j->n - i0 : QUERY_BLOCK;
    int64_t kvh = h / group;
    attend(j, j->q + i0 * row_stride + h * j->head_dim, row_stride, rows, j->length - j->n + i0, 1,
           j->keys + kvh * j->head_dim, j->values + kvh * j->head_dim, j->out + i0 * row_stride + h * j->head_dim,
           row_stride);
}

int omk_attention(const float *q, int64_t n, int64_t heads, int64_t kv_heads, int64_t head_dim, const float *keys,
                  const float *values, int64_t position_stride, int64_t length, float scale, float *out) {
    if (n <= 0 || heads <= 0 || kv_heads <= 0 || heads % kv_heads != 0 || length < n || head_dim <= 0) return -1;
    omk_blas_setup();
    int failed = 0;
    attention_job job = {q, n, heads, kv_heads, head_dim, keys, values, position_stride, length, scale, out, 0, &failed};
    if (n == 1) {
        omk_parallel_for(kv_heads, attention_task, &job);
    } else {
        job.query_blocks = (n + QUERY_BLOCK - 1) / QUERY_BLOCK;
        omk_parallel_for(heads * job.query_blocks, attention_task, &job);
    }
    return failed ? -2 : 0;
}
