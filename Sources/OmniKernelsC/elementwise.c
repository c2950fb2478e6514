// Element-wise and row-wise kernels of the transformer block: RMSNorm, SiLU gating, softmax and
// the small vector helpers. Plain C that the compiler vectorises; these are a small share of a step.
#include "internal.h"
#include <math.h>

static inline float weight_at(const void *w, omk_dtype d, int64_t i) {
    switch (d) {
    case OMK_F16: return omk_f16_to_f32(((const uint16_t *)w)[i]);
    case OMK_BF16: return omk_bf16_to_f32(((const uint16_t *)w)[i]);
    default: return ((const float *)w)[i];
    }
}

void omk_rms_norm(const float *x, const void *weight, omk_dtype weight_dtype, float eps, int64_t rows, int64_t dim,
                  float *out) {
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = x + r * dim;
        float *o = out + r * dim;
        double sum = 0;
        for (int64_t i = 0; i < dim; i++) sum += (double)xr[i] * xr[i];
        // As LlamaRMSNorm: variance in f32, x * rsqrt(variance + eps), then weight * that.
        float variance = dim > 0 ? (float)(sum / (double)dim) : 0.0f;
        float scale = 1.0f / sqrtf(variance + eps);
        for (int64_t i = 0; i < dim; i++) o[i] = weight_at(weight, weight_dtype, i) * (xr[i] * scale);
    }
}

void omk_silu_mul(float *gate, const float *up, int64_t count) {
    for (int64_t i = 0; i < count; i++) {
        float g = gate[i];
        gate[i] = g / (1.0f + expf(-g)) * up[i];
    }
}

void omk_softmax(float *x, int64_t count) {
    if (count <= 0) return;
    float max = x[0];
    for (int64_t i = 1; i < count; i++) max = x[i] > max ? x[i] : max;
    if (isinf(max) && max < 0) { // every input is -inf (a fully masked row): define the result as uniform
        for (int64_t i = 0; i < count; i++) x[i] = 1.0f / (float)count;
        return;
    }
    double sum = 0;
    for (int64_t i = 0; i < count; i++) {
        x[i] = expf(x[i] - max);
        sum += x[i];
    }
    float inv = (float)(1.0 / sum);
    for (int64_t i = 0; i < count; i++) x[i] *= inv;
}

void omk_add(float *a, const float *b, int64_t count) {
    for (int64_t i = 0; i < count; i++) a[i] += b[i];
}

float omk_dot(const float *a, const float *b, int64_t count) {
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= count; i += 8)
        for (int j = 0; j < 8; j++) s[j] += a[i + j] * b[i + j];
    float total = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
    for (; i < count; i++) total += a[i] * b[i];
    return total;
}

void omk_axpy(float alpha, const float *x, float *y, int64_t count) {
    for (int64_t i = 0; i < count; i++) y[i] += alpha * x[i];
}
