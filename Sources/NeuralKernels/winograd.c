#include "NeuralKernels.h"

// Winograd's input and output tile transforms, Bᵀ d B and Aᵀ M A (+ bias), for a block of tiles. Each is a
// few weighted sums of channel vectors per tile element; they run over 32 channels at a time in registers,
// and read pixels straight from the image, skipping those outside it instead of copying zeros.

enum { LANES = 32 };

// out[0..<c] = start[0..<c] (or 0) + Σ_j w[j] · rows[j][0..<c], skipping NULL rows and zero weights.
static inline __attribute__((always_inline))
void combine(int count, const float *const *rows, const float *w, const float *start, int c, float *out) {
    int k = 0;
    for (; k + LANES <= c; k += LANES) {
        float acc[LANES];
        for (int e = 0; e < LANES; e++) acc[e] = start ? start[k + e] : 0;
        for (int j = 0; j < count; j++) {
            if (!rows[j] || w[j] == 0) continue;
            const float x = w[j], *r = rows[j] + k;
            for (int e = 0; e < LANES; e++) acc[e] += x * r[e];
        }
        for (int e = 0; e < LANES; e++) out[k + e] = acc[e];
    }
    for (; k < c; k++) {
        float acc = start ? start[k] : 0;
        for (int j = 0; j < count; j++) if (rows[j] && w[j] != 0) acc += w[j] * rows[j][k];
        out[k] = acc;
    }
}

static inline __attribute__((always_inline))
void input_tiles(const NKWinogradShape s, const float *source, int t0, int t1, const float *bt, float *v,
                 long planeStride, float *scratch) {
    const int n = s.n, m = s.m, c = s.channels, h = s.height, w = s.width;
    const float *rows[8];
    for (int t = t0; t < t1; t++) {
        const int tx = t % s.tilesX, ty = (t / s.tilesX) % s.tilesY, image = t / (s.tilesX * s.tilesY);
        const int y0 = ty * m - s.pad, x0 = tx * m - s.pad;
        const float *pixels = source + (long)image * h * w * c;
        // scratch[i][b] = Σ_a Bᵀ[i][a] d[a][b]
        for (int b = 0; b < n; b++) {
            const int x = x0 + b;
            for (int a = 0; a < n; a++) {
                const int y = y0 + a;
                rows[a] = (y >= 0 && y < h && x >= 0 && x < w) ? pixels + ((long)y * w + x) * c : 0;
            }
            for (int i = 0; i < n; i++) combine(n, rows, bt + i * n, 0, c, scratch + (long)(i * n + b) * c);
        }
        // V[i·n + j] = Σ_b scratch[i][b] Bᵀ[j][b]
        float *column = v + (long)(t - t0) * c;
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < n; b++) rows[b] = scratch + (long)(i * n + b) * c;
            for (int j = 0; j < n; j++) combine(n, rows, bt + j * n, 0, c, column + (i * n + j) * planeStride);
        }
    }
}

static inline __attribute__((always_inline))
void output_tiles(const NKWinogradShape s, const float *products, int t0, int t1, const float *at,
                  const float *bias, float *output, float *scratch) {
    const int n = s.n, m = s.m, c = s.channels, h = s.height, w = s.width;
    const long planeStride = (long)(t1 - t0) * c;
    const float *rows[8];
    for (int t = t0; t < t1; t++) {
        const int tx = t % s.tilesX, ty = (t / s.tilesX) % s.tilesY, image = t / (s.tilesX * s.tilesY);
        const float *tile = products + (long)(t - t0) * c;
        // scratch[i][b] = Σ_a Aᵀ[i][a] M[a][b]
        for (int b = 0; b < n; b++) {
            for (int a = 0; a < n; a++) rows[a] = tile + (a * n + b) * planeStride;
            for (int i = 0; i < m; i++) combine(n, rows, at + i * n, 0, c, scratch + (long)(i * n + b) * c);
        }
        // Y[i][j] = bias + Σ_b scratch[i][b] Aᵀ[j][b], for the pixels inside the image.
        for (int i = 0; i < m && ty * m + i < h; i++) {
            for (int b = 0; b < n; b++) rows[b] = scratch + (long)(i * n + b) * c;
            for (int j = 0; j < m && tx * m + j < w; j++) {
                float *out = output + (((long)image * h + ty * m + i) * w + tx * m + j) * c;
                combine(n, rows, at + j * n, bias, c, out);
            }
        }
    }
}

static void input_portable(const NKWinogradShape s, const float *source, int t0, int t1, const float *bt, float *v,
                           long planeStride, float *scratch) {
    input_tiles(s, source, t0, t1, bt, v, planeStride, scratch);
}

static void output_portable(const NKWinogradShape s, const float *products, int t0, int t1, const float *at,
                            const float *bias, float *output, float *scratch) {
    output_tiles(s, products, t0, t1, at, bias, output, scratch);
}

#if defined(__x86_64__) || defined(__i386__)
#define AVX2 __attribute__((target("avx2,fma")))
AVX2 static void input_avx2(const NKWinogradShape s, const float *source, int t0, int t1, const float *bt, float *v,
                            long planeStride, float *scratch) {
    input_tiles(s, source, t0, t1, bt, v, planeStride, scratch);
}

AVX2 static void output_avx2(const NKWinogradShape s, const float *products, int t0, int t1, const float *at,
                             const float *bias, float *output, float *scratch) {
    output_tiles(s, products, t0, t1, at, bias, output, scratch);
}
#endif

void nk_winograd_input(const NKWinogradShape shape, const float *source, int t0, int t1, const float *bt, float *v,
                       long planeStride, float *scratch) {
#if defined(__x86_64__) || defined(__i386__)
    if (nk_uses_avx2()) { input_avx2(shape, source, t0, t1, bt, v, planeStride, scratch); return; }
#endif
    input_portable(shape, source, t0, t1, bt, v, planeStride, scratch);
}

void nk_winograd_output(const NKWinogradShape shape, const float *products, int t0, int t1, const float *at,
                        const float *bias, float *output, float *scratch) {
#if defined(__x86_64__) || defined(__i386__)
    if (nk_uses_avx2()) { output_avx2(shape, products, t0, t1, at, bias, output, scratch); return; }
#endif
    output_portable(shape, products, t0, t1, at, bias, output, scratch);
}
