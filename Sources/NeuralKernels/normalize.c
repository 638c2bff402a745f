#include <stddef.h>

#include "level.h"

// Batch normalisation's passes over rows of `channels` values (NHWC), with ReLU folded in where the network
// follows a BatchNorm with one: each pass reads and writes the large activations once, so the pair costs two
// passes forward and two backward instead of five and four. Memory-bound loops the compiler vectorises: the
// three forms are the same C compiled for each level.

#if NK_X86
#define NK_AVX512_WIDE __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma"), min_vector_width(512)))
#endif

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

// One function per level and pass, each the body above compiled for that level.
#define NK_FORMS(name, params, args)                                                                            \
    static void name##_portable params { name##_body args; }                                                   \
    NK_FORMS_X86(name, params, args)                                                                           \
    static void name params {                                                                                  \
        switch (nk_dispatch_level()) {                                                                         \
        NK_FORMS_CASES(name, args)                                                                             \
        default: name##_portable args;                                                                         \
        }                                                                                                      \
    }
#if NK_X86
#define NK_FORMS_X86(name, params, args)                                                                        \
    NK_AVX2 static void name##_avx2 params { name##_body args; }                                               \
    NK_AVX512_WIDE static void name##_avx512 params { name##_body args; }
#define NK_FORMS_CASES(name, args)                                                                              \
    case NK_LEVEL_AVX512: name##_avx512 args; return;                                                          \
    case NK_LEVEL_AVX2: name##_avx2 args; return;
#else
#define NK_FORMS_X86(name, params, args)
#define NK_FORMS_CASES(name, args)
#endif

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
