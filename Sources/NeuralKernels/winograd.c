#include "level.h"

// Winograd's input and output tile transforms, Bᵀ d B and Aᵀ M A (+ bias), for a block of tiles. Each is a
// few weighted sums of channel vectors per tile element; they run over 32 channels at a time in registers,
// and read pixels straight from the image, skipping those outside it instead of copying zeros. The portable
// and AVX2 forms are the same C compiled for each; the AVX-512 form writes its sums with 16-lane registers
// and finishes a channel count that is no multiple of 16 under a mask instead of one channel at a time.

enum { LANES = 32 };

// out[0..<c] = start[0..<c] (or 0) + Σ_j w[j] · rows[j][0..<c], skipping NULL rows and zero weights.
static inline __attribute__((always_inline))
void combine_c(int count, const float *const *rows, const float *w, const float *start, int c, float *out) {
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

#if NK_X86
#include <immintrin.h>

// As `combine_c`, 32 channels at a time in two registers, then 16 at a time, the last under a mask.
NK_AVX512 NK_INLINE
void combine_avx512(int count, const float *const *rows, const float *w, const float *start, int c, float *out) {
    int k = 0;
    for (; k + 32 <= c; k += 32) {
        __m512 acc0 = start ? _mm512_loadu_ps(start + k) : _mm512_setzero_ps();
        __m512 acc1 = start ? _mm512_loadu_ps(start + k + 16) : _mm512_setzero_ps();
        for (int j = 0; j < count; j++) {
            if (!rows[j] || w[j] == 0) continue;
            const __m512 x = _mm512_set1_ps(w[j]);
            acc0 = _mm512_fmadd_ps(x, _mm512_loadu_ps(rows[j] + k), acc0);
            acc1 = _mm512_fmadd_ps(x, _mm512_loadu_ps(rows[j] + k + 16), acc1);
        }
        _mm512_storeu_ps(out + k, acc0);
        _mm512_storeu_ps(out + k + 16, acc1);
    }
    for (; k < c; k += 16) {
        const __mmask16 mask = c - k >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (c - k)) - 1);
        __m512 acc = start ? _mm512_maskz_loadu_ps(mask, start + k) : _mm512_setzero_ps();
        for (int j = 0; j < count; j++) {
            if (!rows[j] || w[j] == 0) continue;
            acc = _mm512_fmadd_ps(_mm512_set1_ps(w[j]), _mm512_maskz_loadu_ps(mask, rows[j] + k), acc);
        }
        _mm512_mask_storeu_ps(out + k, mask, acc);
    }
}
#endif

// Tiles of 6 × 6 at AVX-512 go to the unrolled forms of winograd_six.c instead.

// The transforms take their `combine` as a constant argument: inlined into each level's function, it becomes
// that level's code.
typedef void (*combine_fn)(int count, const float *const *rows, const float *w, const float *start, int c, float *out);

// V[ξ][t − t0] = (L d Lᵀ)[ξ] for the window × window tile d of each tile t (L is n × window): the input
// transform (window n, L = Bᵀ) and the kernel gradient's transform of dY (window m, L = A, no padding).
NK_INLINE
void input_tiles(const NKWinogradShape s, int window, const float *l, const float *source, int t0, int t1, float *v,
                 long planeStride, float *scratch, const combine_fn combine) {
    const int n = s.n, m = s.m, c = s.channels, h = s.height, w = s.width;
    const float *rows[8];
    for (int t = t0; t < t1; t++) {
        const int tx = t % s.tilesX, ty = (t / s.tilesX) % s.tilesY, image = t / (s.tilesX * s.tilesY);
        const int y0 = ty * m - s.pad, x0 = tx * m - s.pad;
        const float *pixels = source + (long)image * h * w * c;
        // scratch[i][b] = Σ_a L[i][a] d[a][b]
        for (int b = 0; b < window; b++) {
            const int x = x0 + b;
            for (int a = 0; a < window; a++) {
                const int y = y0 + a;
                rows[a] = (y >= 0 && y < h && x >= 0 && x < w) ? pixels + ((long)y * w + x) * c : 0;
            }
            for (int i = 0; i < n; i++) combine(window, rows, l + i * window, 0, c, scratch + (long)(i * window + b) * c);
        }
        // V[i·n + j] = Σ_b scratch[i][b] L[j][b]
        float *column = v + (long)(t - t0) * c;
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < window; b++) rows[b] = scratch + (long)(i * window + b) * c;
            for (int j = 0; j < n; j++) combine(window, rows, l + j * window, 0, c, column + (i * n + j) * planeStride);
        }
    }
}

NK_INLINE
void output_tiles(const NKWinogradShape s, const float *products, int t0, int t1, const float *at,
                  const float *bias, float *output, float *scratch, const combine_fn combine) {
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

// out[i][j] = Σ_p Σ_q L[i][p] x[p][q] L[j][q] elementwise over `count` values of planes `plane` apart, L being
// outer × inner. Slices of SLICE values keep the intermediate (outer × inner × SLICE) in L1.
enum { SLICE = 256 };

NK_INLINE
void sandwich(int outer, int inner, const float *l, const float *x, long plane, long count, float *out, float *scratch,
              const combine_fn combine) {
    const float *rows[8];
    for (long e = 0; e < count; e += SLICE) {
        const int width = count - e < SLICE ? (int)(count - e) : SLICE;
        // scratch[i][q] = Σ_p L[i][p] x[p][q]
        for (int q = 0; q < inner; q++) {
            for (int p = 0; p < inner; p++) rows[p] = x + (p * inner + q) * plane + e;
            for (int i = 0; i < outer; i++) combine(inner, rows, l + i * inner, 0, width, scratch + (i * inner + q) * SLICE);
        }
        // out[i][j] = Σ_q scratch[i][q] L[j][q]
        for (int i = 0; i < outer; i++) {
            for (int q = 0; q < inner; q++) rows[q] = scratch + (i * inner + q) * SLICE;
            for (int j = 0; j < outer; j++) combine(inner, rows, l + j * inner, 0, width, out + (i * outer + j) * plane + e);
        }
    }
}

static void sandwich_portable(int outer, int inner, const float *l, const float *x, long plane, long count, float *out,
                              float *scratch) {
    sandwich(outer, inner, l, x, plane, count, out, scratch, combine_c);
}

#if NK_X86
NK_AVX2 static void sandwich_avx2(int outer, int inner, const float *l, const float *x, long plane, long count, float *out,
                                  float *scratch) {
    sandwich(outer, inner, l, x, plane, count, out, scratch, combine_c);
}

NK_AVX512 static void sandwich_avx512(int outer, int inner, const float *l, const float *x, long plane, long count,
                                      float *out, float *scratch) {
    sandwich(outer, inner, l, x, plane, count, out, scratch, combine_avx512);
}
#endif

void nk_winograd_sandwich(int outer, int inner, const float *l, const float *x, long plane, long count, float *out,
                          float *scratch) {
    switch (nk_dispatch_level()) {
#if NK_X86
    case NK_LEVEL_AVX512: sandwich_avx512(outer, inner, l, x, plane, count, out, scratch); return;
    case NK_LEVEL_AVX2: sandwich_avx2(outer, inner, l, x, plane, count, out, scratch); return;
#endif
    default: sandwich_portable(outer, inner, l, x, plane, count, out, scratch);
    }
}

static void input_portable(const NKWinogradShape s, int window, const float *l, const float *source, int t0, int t1,
                           float *v, long planeStride, float *scratch) {
    input_tiles(s, window, l, source, t0, t1, v, planeStride, scratch, combine_c);
}

static void output_portable(const NKWinogradShape s, const float *products, int t0, int t1, const float *at,
                            const float *bias, float *output, float *scratch) {
    output_tiles(s, products, t0, t1, at, bias, output, scratch, combine_c);
}

#if NK_X86
NK_AVX2 static void input_avx2(const NKWinogradShape s, int window, const float *l, const float *source, int t0, int t1,
                               float *v, long planeStride, float *scratch) {
    input_tiles(s, window, l, source, t0, t1, v, planeStride, scratch, combine_c);
}

NK_AVX2 static void output_avx2(const NKWinogradShape s, const float *products, int t0, int t1, const float *at,
                                const float *bias, float *output, float *scratch) {
    output_tiles(s, products, t0, t1, at, bias, output, scratch, combine_c);
}

NK_AVX512 static void input_avx512(const NKWinogradShape s, int window, const float *l, const float *source, int t0,
                                   int t1, float *v, long planeStride, float *scratch) {
    input_tiles(s, window, l, source, t0, t1, v, planeStride, scratch, combine_avx512);
}

NK_AVX512 static void output_avx512(const NKWinogradShape s, const float *products, int t0, int t1, const float *at,
                                    const float *bias, float *output, float *scratch) {
    output_tiles(s, products, t0, t1, at, bias, output, scratch, combine_avx512);
}
#endif

void nk_winograd_tiles(const NKWinogradShape shape, int window, const float *l, const float *source, int t0, int t1,
                       float *v, long planeStride, float *scratch) {
    switch (nk_dispatch_level()) {
#if NK_X86
    case NK_LEVEL_AVX512:
        if (!nk_winograd6_tiles_avx512(shape, window, l, source, t0, t1, v, planeStride))
            input_avx512(shape, window, l, source, t0, t1, v, planeStride, scratch);
        return;
    case NK_LEVEL_AVX2: input_avx2(shape, window, l, source, t0, t1, v, planeStride, scratch); return;
#endif
    default: input_portable(shape, window, l, source, t0, t1, v, planeStride, scratch);
    }
}

void nk_winograd_input(const NKWinogradShape shape, const float *source, int t0, int t1, const float *bt, float *v,
                       long planeStride, float *scratch) {
    nk_winograd_tiles(shape, shape.n, bt, source, t0, t1, v, planeStride, scratch);
}

void nk_winograd_output(const NKWinogradShape shape, const float *products, int t0, int t1, const float *at,
                        const float *bias, float *output, float *scratch) {
    switch (nk_dispatch_level()) {
#if NK_X86
    case NK_LEVEL_AVX512:
        if (!nk_winograd6_output_avx512(shape, products, t0, t1, at, bias, output))
            output_avx512(shape, products, t0, t1, at, bias, output, scratch);
        return;
    case NK_LEVEL_AVX2: output_avx2(shape, products, t0, t1, at, bias, output, scratch); return;
#endif
    default: output_portable(shape, products, t0, t1, at, bias, output, scratch);
    }
}
