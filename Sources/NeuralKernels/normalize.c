#include <stddef.h>

#include "level.h"

// Batch normalisation's passes over rows of `channels` values (NHWC), with ReLU folded in where the network
// follows a BatchNorm with one: each pass reads and writes the large activations once, so the pair costs two
// passes forward and two backward instead of five and four. Memory-bound loops the compiler vectorises: the
// three forms are the same C compiled for each level.


// Sums go 16 channels at a time in Float registers over blocks of BLOCK rows, then into the Double totals:
// a Double add per value, or a running sum kept in memory, made these passes several times slower.
enum { LANES = 16, BLOCK = 64 };

// The ReLU's output `y` (or NULL when no ReLU follows) masks the gradient: a ReLU passes it where y > 0.
NK_INLINE float masked(const float *restrict y, const float *restrict dy, long i) {
    return y ? (y[i] > 0 ? dy[i] : 0.0f) : dy[i];
}

// totals[j] += Σ a, totals[c + j] += Σ b over rows r0 ..< r1 for channels j0 ..< j0 + width, where (a, b) are
// what `terms` gives for value (r, j): the one loop behind the three reductions.
#define NK_CHANNEL_SUMS(width_expr, terms)                                                                     \
    for (int r0 = 0; r0 < rows; r0 += BLOCK) {                                                                 \
        const int r1 = rows - r0 < BLOCK ? rows : r0 + BLOCK;                                                  \
        for (int j0 = 0; j0 < c; j0 += LANES) {                                                                \
            float first[LANES] = {0}, second[LANES] = {0};                                                     \
            if (c - j0 >= LANES) {                                                                             \
                for (int r = r0; r < r1; r++) {                                                                \
                    const long base = (long)r * c + j0;                                                        \
                    for (int e = 0; e < LANES; e++) { const int j = j0 + e; (void)j; terms(first[e], second[e]) } \
                }                                                                                              \
            } else {                                                                                           \
                for (int r = r0; r < r1; r++) {                                                                \
                    const long base = (long)r * c + j0;                                                        \
                    for (int e = 0; e < c - j0; e++) { const int j = j0 + e; (void)j; terms(first[e], second[e]) } \
                }                                                                                              \
            }                                                                                                  \
            const int width = width_expr;                                                                      \
            for (int e = 0; e < width; e++) {                                                                  \
                totals[j0 + e] += first[e];                                                                    \
                totals[c + j0 + e] += second[e];                                                               \
            }                                                                                                  \
        }                                                                                                      \
    }

#define NK_MOMENT_TERMS(a, b) { const float v = x[base + e]; a += v; b += v * v; }

NK_INLINE void moments_body(int rows, int c, const float *restrict x, double *restrict totals) {
    NK_CHANNEL_SUMS(c - j0 < LANES ? c - j0 : LANES, NK_MOMENT_TERMS)
}

NK_INLINE void forward_body(int rows, int c, const float *restrict x, const float *restrict mean,
                            const float *restrict inverse, const float *restrict gamma, const float *restrict beta,
                            int rectify, float *restrict y) {
    for (int r = 0; r < rows; r++) {
        const float *restrict in = x + (long)r * c;
        float *restrict out = y + (long)r * c;
        if (rectify) {
            for (int j = 0; j < c; j++) {
                const float v = gamma[j] * ((in[j] - mean[j]) * inverse[j]) + beta[j];
                out[j] = v > 0 ? v : 0;
            }
        } else {
            for (int j = 0; j < c; j++) out[j] = gamma[j] * ((in[j] - mean[j]) * inverse[j]) + beta[j];
        }
    }
}

#define NK_GRADIENT_TERMS(a, b)                                                                                \
    {                                                                                                          \
        const float g = masked(y, dy, base + e);                                                               \
        a += g;                                                                                                \
        b += g * ((x[base + e] - mean[j]) * inverse[j]);                                                       \
    }

NK_INLINE void gradient_sums_rows(int rows, int c, const float *restrict dy, const float *restrict y,
                                  const float *restrict x, const float *restrict mean, const float *restrict inverse,
                                  double *restrict totals) {
    NK_CHANNEL_SUMS(c - j0 < LANES ? c - j0 : LANES, NK_GRADIENT_TERMS)
}

// Two copies of each loop, with and without the mask, rather than a test per value.
NK_INLINE void gradient_sums_body(int rows, int c, const float *restrict dy, const float *restrict y,
                                  const float *restrict x, const float *restrict mean, const float *restrict inverse,
                                  double *restrict sums) {
    if (y) gradient_sums_rows(rows, c, dy, y, x, mean, inverse, sums);
    else gradient_sums_rows(rows, c, dy, NULL, x, mean, inverse, sums);
}

NK_INLINE void input_gradient_rows(int rows, int c, const float *restrict dy, const float *restrict y,
                                   const float *restrict x, const float *restrict mean, const float *restrict inverse,
                                   const float *restrict k, const float *restrict meanDBeta,
                                   const float *restrict meanDGamma, float *restrict dx) {
    for (int r = 0; r < rows; r++) {
        const long base = (long)r * c;
        for (int j = 0; j < c; j++) {
            const float g = masked(y, dy, base + j);
            const float normalized = (x[base + j] - mean[j]) * inverse[j];
            dx[base + j] = k[j] * (g - meanDBeta[j] - normalized * meanDGamma[j]);
        }
    }
}

NK_INLINE void input_gradient_body(int rows, int c, const float *restrict dy, const float *restrict y,
                                   const float *restrict x, const float *restrict mean, const float *restrict inverse,
                                   const float *restrict k, const float *restrict meanDBeta,
                                   const float *restrict meanDGamma, float *restrict dx) {
    if (y) input_gradient_rows(rows, c, dy, y, x, mean, inverse, k, meanDBeta, meanDGamma, dx);
    else input_gradient_rows(rows, c, dy, NULL, x, mean, inverse, k, meanDBeta, meanDGamma, dx);
}

// BatchNorm, ReLU and a 2x2 max pool of stride 2 as one pass each way. Forward writes the pooled
// max(0, BN(x)) and `winning`, the input x that won each window (the first maximum of BN(x) in window order);
// nothing of the full-size activations is written. Backward recomputes from `winning` what the two passes
// of the separate layers read: a window's gradient goes to its first input equal to the winning one (equal
// inputs give equal BN values, so that is the first maximum), and only where BN(winning) > 0 (the ReLU).
// `rows` counts pooled rows (image rows / 2 over the batch); `x` and `dx` have `2·rows` rows of `width`
// pixels, `pooled` and `winning` rows of width / 2 pixels.
NK_INLINE float normalized(float x, float mean, float inverse, float gamma, float beta) {
    return gamma * ((x - mean) * inverse) + beta;
}

NK_INLINE void pool_forward_body(int rows, int width, int c, const float *restrict x, const float *restrict mean,
                                 const float *restrict inverse, const float *restrict gamma,
                                 const float *restrict beta, float *restrict pooled, float *restrict winning) {
    const int half = width / 2;
    for (int r = 0; r < rows; r++) {
        for (int px = 0; px < half; px++) {
            const float *restrict a = x + ((long)2 * r * width + 2 * px) * c, *restrict b = a + c;
            const float *restrict d = a + (long)width * c, *restrict e = d + c;
            const long o = ((long)r * half + px) * c;
            for (int j = 0; j < c; j++) {
                float best = normalized(a[j], mean[j], inverse[j], gamma[j], beta[j]), won = a[j];
                const float vb = normalized(b[j], mean[j], inverse[j], gamma[j], beta[j]);
                won = vb > best ? b[j] : won;
                best = vb > best ? vb : best;
                const float vd = normalized(d[j], mean[j], inverse[j], gamma[j], beta[j]);
                won = vd > best ? d[j] : won;
                best = vd > best ? vd : best;
                const float ve = normalized(e[j], mean[j], inverse[j], gamma[j], beta[j]);
                won = ve > best ? e[j] : won;
                best = ve > best ? ve : best;
                pooled[o + j] = best > 0 ? best : 0;
                winning[o + j] = won;
            }
        }
    }
}

#define NK_POOL_GRADIENT_TERMS(a, b)                                                                           \
    {                                                                                                          \
        const float v = winning[base + e];                                                                     \
        const float g = normalized(v, mean[j], inverse[j], gamma[j], beta[j]) > 0 ? dy[base + e] : 0.0f;       \
        a += g;                                                                                                \
        b += g * ((v - mean[j]) * inverse[j]);                                                                 \
    }

// Over `rows` pooled values (not image rows): the gradient reaches one input per window, so dβ and dγ are
// sums over windows.
NK_INLINE void pool_gradient_sums_body(int rows, int c, const float *restrict dy, const float *restrict winning,
                                       const float *restrict mean, const float *restrict inverse,
                                       const float *restrict gamma, const float *restrict beta,
                                       double *restrict totals) {
    NK_CHANNEL_SUMS(c - j0 < LANES ? c - j0 : LANES, NK_POOL_GRADIENT_TERMS)
}

NK_INLINE void pool_input_gradient_body(int rows, int width, int c, const float *restrict dy,
                                        const float *restrict winning, const float *restrict x,
                                        const float *restrict mean, const float *restrict inverse,
                                        const float *restrict gamma, const float *restrict beta,
                                        const float *restrict k, const float *restrict meanDBeta,
                                        const float *restrict meanDGamma, float *restrict dx) {
    const int half = width / 2;
    for (int r = 0; r < rows; r++) {
        for (int px = 0; px < half; px++) {
            const long at[4] = {((long)2 * r * width + 2 * px) * c, ((long)2 * r * width + 2 * px + 1) * c,
                                ((long)(2 * r + 1) * width + 2 * px) * c, ((long)(2 * r + 1) * width + 2 * px + 1) * c};
            const long o = ((long)r * half + px) * c;
            for (int j = 0; j < c; j++) {
                const float v = winning[o + j];
                float rest = normalized(v, mean[j], inverse[j], gamma[j], beta[j]) > 0 ? dy[o + j] : 0.0f;
                for (int q = 0; q < 4; q++) {
                    const float xq = x[at[q] + j];
                    const float g = xq == v ? rest : 0.0f;
                    rest = xq == v ? 0.0f : rest;
                    dx[at[q] + j] = k[j] * (g - meanDBeta[j] - ((xq - mean[j]) * inverse[j]) * meanDGamma[j]);
                }
            }
        }
    }
}

// One function per level and pass, each the body above compiled for that level (`NK_FORMS`).
NK_FORMS(moments, (int rows, int c, const float *restrict x, double *restrict sums), (rows, c, x, sums))
NK_FORMS(forward, (int rows, int c, const float *restrict x, const float *restrict mean, const float *restrict inverse,
                   const float *restrict gamma, const float *restrict beta, int rectify, float *restrict y),
         (rows, c, x, mean, inverse, gamma, beta, rectify, y))
NK_FORMS(gradient_sums, (int rows, int c, const float *restrict dy, const float *restrict y, const float *restrict x,
                         const float *restrict mean, const float *restrict inverse, double *restrict sums),
         (rows, c, dy, y, x, mean, inverse, sums))
NK_FORMS(input_gradient, (int rows, int c, const float *restrict dy, const float *restrict y, const float *restrict x,
                          const float *restrict mean, const float *restrict inverse, const float *restrict k,
                          const float *restrict meanDBeta, const float *restrict meanDGamma, float *restrict dx),
         (rows, c, dy, y, x, mean, inverse, k, meanDBeta, meanDGamma, dx))

NK_FORMS(pool_forward, (int rows, int width, int c, const float *restrict x, const float *restrict mean,
                        const float *restrict inverse, const float *restrict gamma, const float *restrict beta,
                        float *restrict pooled, float *restrict winning),
         (rows, width, c, x, mean, inverse, gamma, beta, pooled, winning))
NK_FORMS(pool_gradient_sums, (int rows, int c, const float *restrict dy, const float *restrict winning,
                              const float *restrict mean, const float *restrict inverse, const float *restrict gamma,
                              const float *restrict beta, double *restrict sums),
         (rows, c, dy, winning, mean, inverse, gamma, beta, sums))
NK_FORMS(pool_input_gradient, (int rows, int width, int c, const float *restrict dy, const float *restrict winning,
                               const float *restrict x, const float *restrict mean, const float *restrict inverse,
                               const float *restrict gamma, const float *restrict beta, const float *restrict k,
                               const float *restrict meanDBeta, const float *restrict meanDGamma,
                               float *restrict dx),
         (rows, width, c, dy, winning, x, mean, inverse, gamma, beta, k, meanDBeta, meanDGamma, dx))

void nk_channel_moments(int rows, int channels, const float *x, double *sums) { moments(rows, channels, x, sums); }

void nk_batchnorm_forward(int rows, int channels, const float *x, const float *mean, const float *inverse,
                          const float *gamma, const float *beta, int rectify, float *y) {
    forward(rows, channels, x, mean, inverse, gamma, beta, rectify, y);
}

void nk_batchnorm_gradient_sums(int rows, int channels, const float *dy, const float *y, const float *x,
                                const float *mean, const float *inverse, double *sums) {
    gradient_sums(rows, channels, dy, y, x, mean, inverse, sums);
}

void nk_batchnorm_input_gradient(int rows, int channels, const float *dy, const float *y, const float *x,
                                 const float *mean, const float *inverse, const float *k, const float *meanDBeta,
                                 const float *meanDGamma, float *dx) {
    input_gradient(rows, channels, dy, y, x, mean, inverse, k, meanDBeta, meanDGamma, dx);
}

void nk_batchnorm_pool_forward(int rows, int width, int channels, const float *x, const float *mean,
                               const float *inverse, const float *gamma, const float *beta, float *pooled,
                               float *winning) {
    pool_forward(rows, width, channels, x, mean, inverse, gamma, beta, pooled, winning);
}

void nk_batchnorm_pool_gradient_sums(int count, int channels, const float *dy, const float *winning,
                                     const float *mean, const float *inverse, const float *gamma,
                                     const float *beta, double *sums) {
    pool_gradient_sums(count, channels, dy, winning, mean, inverse, gamma, beta, sums);
}

void nk_batchnorm_pool_input_gradient(int rows, int width, int channels, const float *dy, const float *winning,
                                      const float *x, const float *mean, const float *inverse, const float *gamma,
                                      const float *beta, const float *k, const float *meanDBeta,
                                      const float *meanDGamma, float *dx) {
    pool_input_gradient(rows, width, channels, dy, winning, x, mean, inverse, gamma, beta, k, meanDBeta,
                        meanDGamma, dx);
}
