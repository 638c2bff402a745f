#include "level.h"

// AVX-512 tile transforms for n = 6 with the matrices WinogradTransform derives for F(4, 3) and F(2, 5) (the
// 3x3 and 5x5 layers a training step spends its transform time on). The generic form in winograd.c goes
// through a scratch tile per pass and loops over rows and weights at run time; here the matrices are
// constants, so the sums unroll into FMAs with the zero weights left out, and a tile's 16 channels go from
// the image to the transformed planes in registers. Each sum is the same chain of FMAs in the same order as
// the generic form, so both give the same bits; other matrices (any other derivation) take the generic form.

#if NK_X86
#include <immintrin.h>

// Bᵀ (6 × 6), A of F(4, 3) and of F(2, 5) (6 × m, the kernel gradient's transform of dY) and their Aᵀ.
static const float BT[36] = {1, 0, -1.25f, 0, 0.25f, 0,
                             0, 0.6666667f, 0.6666667f, -0.16666667f, -0.16666667f, 0,
                             0, -0.6666667f, 0.6666667f, 0.16666667f, -0.16666667f, 0,
                             0, -0.083333336f, -0.041666668f, 0.083333336f, 0.041666668f, 0,
                             0, 0.083333336f, -0.041666668f, -0.083333336f, 0.041666668f, 0,
                             0, 4, 0, -5, 0, 1};
static const float A4[24] = {1, 0, 0, 0, 1, 1, 1, 1, 1, -1, 1, -1, 1, 2, 4, 8, 1, -2, 4, -8, 0, 0, 0, 1};
static const float A2[12] = {1, 0, 1, 1, 1, -1, 1, 2, 1, -2, 0, 1};
static const float AT4[24] = {1, 1, 1, 1, 1, 0, 0, 1, -1, 2, -2, 0, 0, 1, 1, 4, 4, 0, 0, 1, -1, 8, -8, 1};
static const float AT2[12] = {1, 1, 1, 1, 1, 0, 0, 1, -1, 2, -2, 1};

// Equal as numbers (−0 = 0: both forms skip zero weights).
static int same(const float *a, const float *b, int count) {
    for (int i = 0; i < count; i++) if (a[i] != b[i]) return 0;
    return 1;
}

NK_AVX512 NK_INLINE void store16(float *p, __mmask16 mask, int full, __m512 x) {
    if (full) _mm512_storeu_ps(p, x);
    else _mm512_mask_storeu_ps(p, mask, x);
}

// The transform of one tile at (y0, x0); `interior` (a constant) when the whole tile is inside the image, so
// that its loads share one mask instead of one each.
NK_AVX512 NK_INLINE
void tile6(const NKWinogradShape s, const int window, const float *l, const float *pixels, int y0, int x0,
           float *column, long planeStride, const int interior) {
    const int c = s.channels, h = s.height, w = s.width;
    {
        // Pixels outside the image read as zeros: their loads are masked off entirely, at a clamped address.
        int inside[6][6];
        long offset[6][6];
        for (int a = 0; a < window; a++) {
            const int y = y0 + a, yc = y < 0 ? 0 : y >= h ? h - 1 : y;
            for (int b = 0; b < window; b++) {
                const int x = x0 + b, xc = x < 0 ? 0 : x >= w ? w - 1 : x;
                inside[a][b] = y >= 0 && y < h && x >= 0 && x < w;
                offset[a][b] = ((long)yc * w + xc) * c;
            }
        }
        // Row i of L d, then its six products with Lᵀ: six registers live, the tile reread from L1. The
        // channels go innermost, so that the six planes of row i are written through before the next six
        // (planes a multiple of 4 KB apart share L1 sets; 36 written in turn evict each other's lines).
#pragma clang loop unroll(full)
        for (int i = 0; i < 6; i++) {
            for (int k = 0; k < c; k += 16) {
                const int full = c - k >= 16;
                const __mmask16 mask = full ? (__mmask16)0xffff : (__mmask16)((1u << (c - k)) - 1);
                __m512 row[6];
#pragma clang loop unroll(full)
                for (int b = 0; b < window; b++) {
                    __m512 acc = _mm512_setzero_ps();
#pragma clang loop unroll(full)
                    for (int a = 0; a < window; a++) {
                        if (l[i * window + a] == 0) continue;
                        const __mmask16 lanes = interior ? mask : inside[a][b] ? mask : 0;
                        const __m512 d = _mm512_maskz_loadu_ps(lanes, pixels + offset[a][b] + k);
                        acc = _mm512_fmadd_ps(_mm512_set1_ps(l[i * window + a]), d, acc);
                    }
                    row[b] = acc;
                }
#pragma clang loop unroll(full)
                for (int j = 0; j < 6; j++) {
                    __m512 acc = _mm512_setzero_ps();
#pragma clang loop unroll(full)
                    for (int b = 0; b < window; b++)
                        if (l[j * window + b] != 0) acc = _mm512_fmadd_ps(_mm512_set1_ps(l[j * window + b]), row[b], acc);
                    store16(column + (i * 6 + j) * planeStride + k, mask, full, acc);
                }
            }
        }
    }
}

// V[ξ][t − t0] = (L d Lᵀ)[ξ] for the window × window tile d of each tile t; L (6 × window) a constant.
NK_AVX512 NK_INLINE
void tiles6(const NKWinogradShape s, const int window, const float *l, const float *source, int t0, int t1, float *v,
            long planeStride) {
    const int m = s.m, c = s.channels, h = s.height, w = s.width;
    for (int t = t0; t < t1; t++) {
        const int tx = t % s.tilesX, ty = (t / s.tilesX) % s.tilesY, image = t / (s.tilesX * s.tilesY);
        const int y0 = ty * m - s.pad, x0 = tx * m - s.pad;
        const float *pixels = source + (long)image * h * w * c;
        float *column = v + (long)(t - t0) * c;
        if (y0 >= 0 && x0 >= 0 && y0 + window <= h && x0 + window <= w)
            tile6(s, window, l, pixels, y0, x0, column, planeStride, 1);
        else tile6(s, window, l, pixels, y0, x0, column, planeStride, 0);
    }
}

NK_AVX512 int nk_winograd6_tiles_avx512(const NKWinogradShape s, int window, const float *l, const float *source, int t0, int t1,
                              float *v, long planeStride) {
    // Planes a whole batch of tiles apart (the input kept for the kernel gradient, dY's tiles) make the writes
    // bound by memory, where the generic form's one plane after another does better; blocks of tiles come here.
    if (s.n != 6 || planeStride > 128L * s.channels) return 0;
    if (window == 6 && same(l, BT, 36)) tiles6(s, 6, BT, source, t0, t1, v, planeStride);
    else if (window == 4 && same(l, A4, 24)) tiles6(s, 4, A4, source, t0, t1, v, planeStride);
    else if (window == 2 && same(l, A2, 12)) tiles6(s, 2, A2, source, t0, t1, v, planeStride);
    else return 0;
    return 1;
}

// The m × m output tile Aᵀ M A (+ bias) of each tile, clipped to the image; Aᵀ (m × 6) a constant.
NK_AVX512 NK_INLINE
void output6(const NKWinogradShape s, const int m, const float *at, const float *products, int t0, int t1,
             const float *bias, float *output) {
    const int c = s.channels, h = s.height, w = s.width;
    const long planeStride = (long)(t1 - t0) * c;
    for (int t = t0; t < t1; t++) {
        const int tx = t % s.tilesX, ty = (t / s.tilesX) % s.tilesY, image = t / (s.tilesX * s.tilesY);
        const float *tile = products + (long)(t - t0) * c;
        const int rowsInside = h - ty * m < m ? h - ty * m : m, columnsInside = w - tx * m < m ? w - tx * m : m;
#pragma clang loop unroll(full)
        for (int i = 0; i < m; i++) {
            if (i >= rowsInside) continue;
            for (int k = 0; k < c; k += 16) {
                const int full = c - k >= 16;
                const __mmask16 mask = full ? (__mmask16)0xffff : (__mmask16)((1u << (c - k)) - 1);
                const __m512 start = bias ? _mm512_maskz_loadu_ps(mask, bias + k) : _mm512_setzero_ps();
                __m512 row[6];  // row[b] = Σ_a Aᵀ[i][a] M[a][b]
#pragma clang loop unroll(full)
                for (int b = 0; b < 6; b++) {
                    __m512 acc = _mm512_setzero_ps();
#pragma clang loop unroll(full)
                    for (int a = 0; a < 6; a++)
                        if (at[i * 6 + a] != 0)
                            acc = _mm512_fmadd_ps(_mm512_set1_ps(at[i * 6 + a]),
                                                  _mm512_maskz_loadu_ps(mask, tile + (a * 6 + b) * planeStride + k), acc);
                    row[b] = acc;
                }
                float *line = output + (((long)image * h + ty * m + i) * w + tx * m) * c + k;
#pragma clang loop unroll(full)
                for (int j = 0; j < m; j++) {
                    if (j >= columnsInside) continue;
                    __m512 acc = start;
#pragma clang loop unroll(full)
                    for (int b = 0; b < 6; b++)
                        if (at[j * 6 + b] != 0) acc = _mm512_fmadd_ps(_mm512_set1_ps(at[j * 6 + b]), row[b], acc);
                    store16(line + (long)j * c, mask, full, acc);
                }
            }
        }
    }
}

NK_AVX512 int nk_winograd6_output_avx512(const NKWinogradShape s, const float *products, int t0, int t1, const float *at,
                               const float *bias, float *output) {
    if (s.n != 6) return 0;
    if (s.m == 4 && same(at, AT4, 24)) output6(s, 4, AT4, products, t0, t1, bias, output);
    else if (s.m == 2 && same(at, AT2, 12)) output6(s, 2, AT2, products, t0, t1, bias, output);
    else return 0;
    return 1;
}
#endif
