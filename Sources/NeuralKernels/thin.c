#include "level.h"
#include <stdlib.h>
#include <string.h>

// A convolution with few taps (a gray image's 3x3: 9) read straight from the image. As an im2col product its
// inner dimension is so short that loading and storing the accumulators, and writing and re-reading the
// columns, cost more than the multiply-adds. Here a block of output pixels × all filters accumulates in
// registers over the taps, reading each tap's input from a zero-padded copy of the image's rows: every pixel is
// then "inside", and tap t of every pixel is at the same offset from the pixel's corner.

// The padded copy of input rows for output rows row0 ..< row1 and the offsets of the taps in it.
typedef struct {
    float *rows;
    int *offsets;
    int width;  // floats per padded row / channels
} Padded;

static int pad_rows(const NKThinShape s, const float *image, int row0, int row1, Padded *p) {
    const int first = row0 * s.stride - s.padTop, count = (row1 - 1 - row0) * s.stride + s.kernelHeight;
    const int left = -s.padLeft, width = (s.outWidth - 1) * s.stride + s.kernelWidth;
    const int taps = s.kernelHeight * s.kernelWidth * s.channels;
    p->width = width;
    p->rows = malloc(sizeof(float) * ((size_t)count * width * s.channels + 16));
    p->offsets = malloc(sizeof(int) * (size_t)(taps > 0 ? taps : 1));
    if (!p->rows || !p->offsets) { free(p->rows); free(p->offsets); return -1; }
    for (int y = 0; y < count; y++) {
        float *row = p->rows + (long)y * width * s.channels;
        const int iy = first + y;
        if (iy < 0 || iy >= s.height) { memset(row, 0, sizeof(float) * (size_t)width * s.channels); continue; }
        const int x0 = left < 0 ? -left : 0, x1 = s.width - left < width ? s.width - left : width;
        if (x0 > 0) memset(row, 0, sizeof(float) * (size_t)x0 * s.channels);
        if (x1 > x0) memcpy(row + (long)x0 * s.channels, image + ((long)iy * s.width + left + x0) * s.channels,
                            sizeof(float) * (size_t)(x1 - x0) * s.channels);
        const int z = x1 > x0 ? x1 : x0;
        if (z < width) memset(row + (long)z * s.channels, 0, sizeof(float) * (size_t)(width - z) * s.channels);
    }
    for (int ky = 0, t = 0; ky < s.kernelHeight; ky++)
        for (int kx = 0; kx < s.kernelWidth; kx++)
            for (int c = 0; c < s.channels; c++) p->offsets[t++] = (ky * width + kx) * s.channels + c;
    return 0;
}

// Pixel i (row-major over output rows row0...) as its corner in the padded rows.
static inline const float *corner(const NKThinShape s, const Padded *p, int i) {
    const int oy = i / s.outWidth, ox = i % s.outWidth;
    return p->rows + ((long)oy * s.stride * p->width + (long)ox * s.stride) * s.channels;
}

static void thin_portable(const NKThinShape s, const Padded *p, int pixels, const float *kernel, const float *bias,
                          float *out) {
    const int taps = s.kernelHeight * s.kernelWidth * s.channels, f = s.filters;
    for (int i = 0; i < pixels; i++) {
        const float *x = corner(s, p, i);
        float *o = out + (long)i * f;
        for (int j = 0; j < f; j++) o[j] = bias ? bias[j] : 0;
        for (int t = 0; t < taps; t++) {
            const float a = x[p->offsets[t]];
            const float *w = kernel + (long)t * f;
            for (int j = 0; j < f; j++) o[j] += a * w[j];
        }
    }
}

// dW[t][j] += Σ_i x_i[offset t] · dY[i][j] over the pixels: the kernel gradient, which as an im2col product
// (columnsᵀ · dY) has an output of taps × filters and an inner dimension of every pixel of the batch.
static void gradient_portable(const NKThinShape s, const Padded *p, int pixels, const float *dy, float *dw) {
    const int taps = s.kernelHeight * s.kernelWidth * s.channels, f = s.filters;
    for (int i = 0; i < pixels; i++) {
        const float *x = corner(s, p, i), *d = dy + (long)i * f;
        for (int t = 0; t < taps; t++) {
            const float a = x[p->offsets[t]];
            float *w = dw + (long)t * f;
            for (int j = 0; j < f; j++) w[j] += a * d[j];
        }
    }
}

#if NK_X86
#include <immintrin.h>

enum { ROWS = 6 };

// R pixels (1...6) × 16 columns in 12 registers, as the AVX2 product's block.
NK_AVX2 NK_INLINE void block_avx2(const int R, const float *const *x, const int *offsets, int taps, const float *w, int ldw,
                                  const float *bias, float *o, int ldo) {
    __m256 acc[ROWS][2];
    const __m256 b0 = bias ? _mm256_loadu_ps(bias) : _mm256_setzero_ps();
    const __m256 b1 = bias ? _mm256_loadu_ps(bias + 8) : _mm256_setzero_ps();
    for (int r = 0; r < R; r++) { acc[r][0] = b0; acc[r][1] = b1; }
    for (int t = 0; t < taps; t++) {
        const __m256 w0 = _mm256_loadu_ps(w + (long)t * ldw), w1 = _mm256_loadu_ps(w + (long)t * ldw + 8);
        const int offset = offsets[t];
        for (int r = 0; r < R; r++) {
            const __m256 a = _mm256_broadcast_ss(x[r] + offset);
            acc[r][0] = _mm256_fmadd_ps(a, w0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(a, w1, acc[r][1]);
        }
    }
    for (int r = 0; r < R; r++) {
        _mm256_storeu_ps(o + (long)r * ldo, acc[r][0]);
        _mm256_storeu_ps(o + (long)r * ldo + 8, acc[r][1]);
    }
}

#define ROW_SWITCH(kernel, R, ...) switch (R) { \
    case 6: kernel(6, __VA_ARGS__); break; case 5: kernel(5, __VA_ARGS__); break; \
    case 4: kernel(4, __VA_ARGS__); break; case 3: kernel(3, __VA_ARGS__); break; \
    case 2: kernel(2, __VA_ARGS__); break; default: kernel(1, __VA_ARGS__); break; }

NK_AVX2 static void thin_avx2(const NKThinShape s, const Padded *p, int pixels, const float *kernel, const float *bias,
                              float *out) {
    const int taps = s.kernelHeight * s.kernelWidth * s.channels, f = s.filters, wide = f / 16 * 16;
    for (int i = 0; i < pixels; i += ROWS) {
        const int R = pixels - i < ROWS ? pixels - i : ROWS;
        const float *x[ROWS];
        for (int r = 0; r < R; r++) x[r] = corner(s, p, i + r);
        for (int j = 0; j < wide; j += 16)
            ROW_SWITCH(block_avx2, R, x, p->offsets, taps, kernel + j, f, bias ? bias + j : 0, out + (long)i * f + j, f)
        // Fewer than 16 columns left: the portable loop over those columns only.
        for (int r = 0; r < R && wide < f; r++) {
            float *o = out + (long)(i + r) * f;
            for (int j = wide; j < f; j++) o[j] = bias ? bias[j] : 0;
            for (int t = 0; t < taps; t++) {
                const float a = x[r][p->offsets[t]];
                for (int j = wide; j < f; j++) o[j] += a * kernel[(long)t * f + j];
            }
        }
    }
}

// R pixels × P panels of 16 columns (the last `mask`ed), R·P ≤ 24 accumulators: a whole 64-filter layer's
// pixel is 4 registers, and every tap's 4 weight vectors serve 6 pixels.
NK_AVX512 NK_INLINE void block_avx512(const int R, const int P, const float *const *x, const int *offsets, int taps,
                                      const float *w, int ldw, const float *bias, __mmask16 mask, float *o, int ldo) {
    __m512 acc[ROWS][4];
    for (int q = 0; q < P; q++) {
        const __mmask16 m = q == P - 1 ? mask : (__mmask16)0xffff;
        const __m512 start = bias ? _mm512_maskz_loadu_ps(m, bias + 16 * q) : _mm512_setzero_ps();
        for (int r = 0; r < R; r++) acc[r][q] = start;
    }
    for (int t = 0; t < taps; t++) {
        __m512 wt[4];
        for (int q = 0; q < P; q++)
            wt[q] = _mm512_maskz_loadu_ps(q == P - 1 ? mask : (__mmask16)0xffff, w + (long)t * ldw + 16 * q);
        const int offset = offsets[t];
        for (int r = 0; r < R; r++) {
            const __m512 a = _mm512_set1_ps(x[r][offset]);
            for (int q = 0; q < P; q++) acc[r][q] = _mm512_fmadd_ps(a, wt[q], acc[r][q]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int q = 0; q < P; q++)
            _mm512_mask_storeu_ps(o + (long)r * ldo + 16 * q, q == P - 1 ? mask : (__mmask16)0xffff, acc[r][q]);
}

#define Z4(R, ...) block_avx512(R, 4, __VA_ARGS__)
#define Z3(R, ...) block_avx512(R, 3, __VA_ARGS__)
#define Z2(R, ...) block_avx512(R, 2, __VA_ARGS__)
#define Z1(R, ...) block_avx512(R, 1, __VA_ARGS__)

NK_AVX512 static void thin_avx512(const NKThinShape s, const Padded *p, int pixels, const float *kernel, const float *bias,
                                  float *out) {
    const int taps = s.kernelHeight * s.kernelWidth * s.channels, f = s.filters;
    for (int i = 0; i < pixels; i += ROWS) {
        const int R = pixels - i < ROWS ? pixels - i : ROWS;
        const float *x[ROWS];
        for (int r = 0; r < R; r++) x[r] = corner(s, p, i + r);
        // Groups of up to 64 columns, the last panel of the last group masked.
        for (int j = 0; j < f; j += 64) {
            const int left = f - j < 64 ? f - j : 64, P = (left + 15) / 16;
            const __mmask16 mask = (__mmask16)(left % 16 ? (1u << (left % 16)) - 1 : 0xffff);
            const float *w = kernel + j, *b = bias ? bias + j : 0;
            float *o = out + (long)i * f + j;
            switch (P) {
            case 4: ROW_SWITCH(Z4, R, x, p->offsets, taps, w, f, b, mask, o, f) break;
            case 3: ROW_SWITCH(Z3, R, x, p->offsets, taps, w, f, b, mask, o, f) break;
            case 2: ROW_SWITCH(Z2, R, x, p->offsets, taps, w, f, b, mask, o, f) break;
            default: ROW_SWITCH(Z1, R, x, p->offsets, taps, w, f, b, mask, o, f) break;
            }
        }
    }
}

// T taps (a constant, ≤ 12) × one panel of columns: the T sums stay in registers over all the pixels, each
// pixel's dY panel loaded once and each tap's input broadcast. Pixels go row by row (no division per pixel).
#define GRADIENT_PANEL(NAME, ATTRIBUTES, VEC, ZERO, LOAD, SET1, FMA, STORE_ADD)                                 \
    ATTRIBUTES NK_INLINE void NAME(const int T, const NKThinShape s, const Padded *p, int row0, int row1,       \
                                   const int *offsets, const float *dy, int j, MASK_PARAMETER, float *dw) {     \
        const int f = s.filters;                                                                                \
        VEC acc[12];                                                                                            \
        for (int t = 0; t < T; t++) acc[t] = ZERO;                                                              \
        for (int oy = row0; oy < row1; oy++) {                                                                  \
            const float *x = p->rows + (long)(oy - row0) * s.stride * p->width * s.channels;                    \
            const float *d = dy + (long)oy * s.outWidth * f + j;                                                \
            for (int ox = 0; ox < s.outWidth; ox++, x += s.stride * s.channels, d += f) {                       \
                const VEC g = LOAD(d);                                                                          \
                for (int t = 0; t < T; t++) acc[t] = FMA(SET1(x[offsets[t]]), g, acc[t]);                       \
            }                                                                                                   \
        }                                                                                                       \
        for (int t = 0; t < T; t++) STORE_ADD(dw + (long)t * f + j, acc[t]);                                    \
    }

#define MASK_PARAMETER int unused
#define AVX2_STORE_ADD(q, v) _mm256_storeu_ps((q), _mm256_add_ps(_mm256_loadu_ps(q), (v)))
GRADIENT_PANEL(gradient_panel_avx2, NK_AVX2, __m256, _mm256_setzero_ps(), _mm256_loadu_ps, _mm256_set1_ps,
               _mm256_fmadd_ps, AVX2_STORE_ADD)
#undef MASK_PARAMETER
#define MASK_PARAMETER __mmask16 mask
#define AVX512_LOAD(q) _mm512_maskz_loadu_ps(mask, (q))
#define AVX512_STORE_ADD(q, v) _mm512_mask_storeu_ps((q), mask, _mm512_add_ps(_mm512_maskz_loadu_ps(mask, (q)), (v)))
GRADIENT_PANEL(gradient_panel_avx512, NK_AVX512, __m512, _mm512_setzero_ps(), AVX512_LOAD, _mm512_set1_ps,
               _mm512_fmadd_ps, AVX512_STORE_ADD)
#undef MASK_PARAMETER



// Panels of 8 columns, groups of up to 12 taps; the columns past the last full panel by the portable loop.
NK_AVX2 static void gradient_avx2(const NKThinShape s, const Padded *p, int row0, int row1, const float *dy, float *dw) {
    const int taps = s.kernelHeight * s.kernelWidth * s.channels, f = s.filters, wide = f / 8 * 8;
    for (int j = 0; j < wide; j += 8)
        for (int t = 0; t < taps; t += 12) {
            const int T = taps - t < 12 ? taps - t : 12;
            NK_CONSTANT_1_TO_12(gradient_panel_avx2, T, s, p, row0, row1, p->offsets + t, dy, j, 0, dw + (long)t * f)
        }
    if (wide == f) return;
    for (int oy = row0; oy < row1; oy++)
        for (int ox = 0; ox < s.outWidth; ox++) {
            const float *x = p->rows + ((long)(oy - row0) * s.stride * p->width + (long)ox * s.stride) * s.channels;
            const float *d = dy + ((long)oy * s.outWidth + ox) * f;
            for (int t = 0; t < taps; t++)
                for (int j = wide; j < f; j++) dw[(long)t * f + j] += x[p->offsets[t]] * d[j];
        }
}

// Panels of 16 columns, the last under a mask; groups of up to 12 taps.
NK_AVX512 static void gradient_avx512(const NKThinShape s, const Padded *p, int row0, int row1, const float *dy, float *dw) {
    const int taps = s.kernelHeight * s.kernelWidth * s.channels, f = s.filters;
    for (int j = 0; j < f; j += 16) {
        const __mmask16 mask = (__mmask16)(f - j >= 16 ? 0xffff : (1u << (f - j)) - 1);
        for (int t = 0; t < taps; t += 12) {
            const int T = taps - t < 12 ? taps - t : 12;
            NK_CONSTANT_1_TO_12(gradient_panel_avx512, T, s, p, row0, row1, p->offsets + t, dy, j, mask, dw + (long)t * f)
        }
    }
}
#endif

int nk_conv_thin_kernel_gradient(const NKThinShape shape, const float *image, int row0, int row1,
                                 const float *outputGradient, float *kernelGradient) {
    const NKLevel level = nk_dispatch_level();
    if (row1 <= row0 || shape.outWidth <= 0 || shape.filters <= 0) return 0;
    Padded p;
    if (pad_rows(shape, image, row0, row1, &p)) return -1;
    switch (level) {
#if NK_X86
    case NK_LEVEL_AVX512: gradient_avx512(shape, &p, row0, row1, outputGradient, kernelGradient); break;
    case NK_LEVEL_AVX2: gradient_avx2(shape, &p, row0, row1, outputGradient, kernelGradient); break;
#endif
    default: {
        const float *dy = outputGradient + (long)row0 * shape.outWidth * shape.filters;
        gradient_portable(shape, &p, (row1 - row0) * shape.outWidth, dy, kernelGradient);
    }
    }
    free(p.rows);
    free(p.offsets);
    return 0;
}

int nk_conv_thin(const NKThinShape shape, const float *image, int row0, int row1, const float *kernel, const float *bias,
                 float *output) {
    const NKLevel level = nk_dispatch_level();
    if (row1 <= row0 || shape.outWidth <= 0 || shape.filters <= 0) return 0;
    Padded p;
    if (pad_rows(shape, image, row0, row1, &p)) return -1;
    const int pixels = (row1 - row0) * shape.outWidth;
    float *out = output + (long)row0 * shape.outWidth * shape.filters;
    switch (level) {
#if NK_X86
    case NK_LEVEL_AVX512: thin_avx512(shape, &p, pixels, kernel, bias, out); break;
    case NK_LEVEL_AVX2: thin_avx2(shape, &p, pixels, kernel, bias, out); break;
#endif
    default: thin_portable(shape, &p, pixels, kernel, bias, out);
    }
    free(p.rows);
    free(p.offsets);
    return 0;
}
