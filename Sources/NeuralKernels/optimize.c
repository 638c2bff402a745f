#include "level.h"

// The optimisers' per-element updates over one parameter tensor: memory-bound loops (Adam reads and writes
// seven streams per weight) that the compiler vectorises once `restrict` rules out aliasing, in the three
// forms of `NK_FORMS`. `__builtin_elementwise_sqrt` has no errno to keep, so it vectorises as `sqrtf` does not.

NK_INLINE void adam_body(long count, float *restrict w, const float *restrict g, float *restrict m, float *restrict v,
                         float beta1, float beta2, float stepSize, float epsilon) {
    for (long i = 0; i < count; i++) {
        const float first = m[i] + (g[i] - m[i]) * (1 - beta1);
        const float second = v[i] + (g[i] * g[i] - v[i]) * (1 - beta2);
        m[i] = first;
        v[i] = second;
        w[i] -= stepSize * first / (__builtin_elementwise_sqrt(second) + epsilon);
    }
}

NK_INLINE void sgd_body(long count, float *restrict w, const float *restrict g, float *restrict v,
                        float learningRate, float momentum, int nesterov, float decay) {
    for (long i = 0; i < count; i++) {
        const float grad = g[i] + decay * w[i];
        const float velocity = momentum * v[i] - learningRate * grad;
        v[i] = velocity;
        w[i] += nesterov ? momentum * velocity - learningRate * grad : velocity;
    }
}

NK_FORMS(adam, (long count, float *restrict w, const float *restrict g, float *restrict m, float *restrict v,
                float beta1, float beta2, float stepSize, float epsilon),
         (count, w, g, m, v, beta1, beta2, stepSize, epsilon))
NK_FORMS(sgd, (long count, float *restrict w, const float *restrict g, float *restrict v, float learningRate,
               float momentum, int nesterov, float decay),
         (count, w, g, v, learningRate, momentum, nesterov, decay))

void nk_adam_update(long count, float *w, const float *g, float *m, float *v, float beta1, float beta2,
                    float stepSize, float epsilon) {
    adam(count, w, g, m, v, beta1, beta2, stepSize, epsilon);
}

void nk_sgd_update(long count, float *w, const float *g, float *v, float learningRate, float momentum, int nesterov,
                   float decay) {
    sgd(count, w, g, v, learningRate, momentum, nesterov, decay);
}
