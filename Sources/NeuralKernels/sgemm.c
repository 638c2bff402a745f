#include "level.h"

// A register-blocked product in the manner of BLIS/OpenBLAS micro-kernels, without their packing of A: a
// block of rows of A times a block of B's columns accumulates in vector registers. AVX2: 6 rows × 16 columns
// in 12 of its 16 registers; each step of the inner dimension loads 2 vectors of B, broadcasts 6 scalars of A
// // and issues 12 fused multiply-adds. AVX-512 (32 registers of 16 lanes): more rows × 32 columns, see below.
// Packing pays for itself only when a product is large; these products are small and many. A is read in
// place, also transposed (`aT`: element (r, k) at a[k·lda + r]), which is how `nk_gemm` uses these kernels.

// Where element (r, k) of A is.
#define A_AT(a, lda, aT, r, k) ((aT) ? (a) + (long)(k) * (lda) + (r) : (a) + (long)(r) * (lda) + (k))

// With `accumulate`, C is added to (and `bias` ignored); otherwise C is overwritten, starting from the bias.
static void sgemm_portable(int rows, int columns, int inner, const float *a, int lda, int aT, const float *b, int ldb,
                           const float *bias, int accumulate, float *c, int ldc) {
    for (int i = 0; i < rows; i++) {
        float *ci = c + (long)i * ldc;
        if (!accumulate) for (int j = 0; j < columns; j++) ci[j] = bias ? bias[j] : 0;
        for (int k = 0; k < inner; k++) {
            const float aik = *A_AT(a, lda, aT, i, k);
            const float *bk = b + (long)k * ldb;
            for (int j = 0; j < columns; j++) ci[j] += aik * bk[j];
        }
    }
}

// Panel j of B (columns j ..< j + width): unpacked, B's own columns with its row stride; packed, the
// contiguous inner × width block `nk_pack` wrote (all panels before it are `inner` × their widths).
#define PANEL(j, width) (packed ? b + (long)(j) * inner : b + (j)), (packed ? (width) : ldb)

#if NK_X86
#include <immintrin.h>
#define AVX2 NK_AVX2

// R rows (1...6) × 16 columns. Always inlined with a constant R, so the loops over rows unroll and the
// accumulators stay in registers.
AVX2 static inline __attribute__((always_inline))
void block16(const int R, const int aT, int inner, const float *a, int lda, const float *b, int ldb, const float *bias,
             int accumulate, float *c, int ldc) {
    __m256 acc[6][2];
    const __m256 start0 = bias ? _mm256_loadu_ps(bias) : _mm256_setzero_ps();
    const __m256 start1 = bias ? _mm256_loadu_ps(bias + 8) : _mm256_setzero_ps();
    for (int r = 0; r < R; r++) {
        acc[r][0] = accumulate ? _mm256_loadu_ps(c + (long)r * ldc) : start0;
        acc[r][1] = accumulate ? _mm256_loadu_ps(c + (long)r * ldc + 8) : start1;
    }
    for (int k = 0; k < inner; k++) {
        const __m256 b0 = _mm256_loadu_ps(b + (long)k * ldb);
        const __m256 b1 = _mm256_loadu_ps(b + (long)k * ldb + 8);
        for (int r = 0; r < R; r++) {
            const __m256 x = _mm256_broadcast_ss(A_AT(a, lda, aT, r, k));
            acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
        }
    }
    for (int r = 0; r < R; r++) {
        _mm256_storeu_ps(c + (long)r * ldc, acc[r][0]);
        _mm256_storeu_ps(c + (long)r * ldc + 8, acc[r][1]);
    }
}

// R rows × 8 columns, for a remainder of 8 to 15 columns.
AVX2 static inline __attribute__((always_inline))
void block8(const int R, const int aT, int inner, const float *a, int lda, const float *b, int ldb, const float *bias,
            int accumulate, float *c, int ldc) {
    __m256 acc[6];
    const __m256 start = bias ? _mm256_loadu_ps(bias) : _mm256_setzero_ps();
    for (int r = 0; r < R; r++) acc[r] = accumulate ? _mm256_loadu_ps(c + (long)r * ldc) : start;
    for (int k = 0; k < inner; k++) {
        const __m256 b0 = _mm256_loadu_ps(b + (long)k * ldb);
        for (int r = 0; r < R; r++) acc[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(A_AT(a, lda, aT, r, k)), b0, acc[r]);
    }
    for (int r = 0; r < R; r++) _mm256_storeu_ps(c + (long)r * ldc, acc[r]);
}

#define DISPATCH_ROWS(kernel, R, ...) switch (R) { \
    case 6: kernel(6, __VA_ARGS__); break; case 5: kernel(5, __VA_ARGS__); break; \
    case 4: kernel(4, __VA_ARGS__); break; case 3: kernel(3, __VA_ARGS__); break; \
    case 2: kernel(2, __VA_ARGS__); break; default: kernel(1, __VA_ARGS__); break; }

AVX2 NK_INLINE void sgemm_avx2_by(const int aT, int rows, int columns, int inner, const float *a, int lda,
                                    const float *b, int ldb, int packed, const float *bias, int accumulate, float *c, int ldc) {
    int j = 0;
    // Column panels outermost: a panel of B (inner × 16 floats) stays in L1/L2 while every row block uses it.
    for (; j + 16 <= columns; j += 16) {
        const float *panelBias = bias ? bias + j : 0;
        for (int i = 0; i < rows; i += 6) {
            const int r = rows - i < 6 ? rows - i : 6;
            DISPATCH_ROWS(block16, r, aT, inner, A_AT(a, lda, aT, i, 0), lda, PANEL(j, 16), panelBias, accumulate, c + (long)i * ldc + j, ldc)
        }
    }
    if (j + 8 <= columns) {
        const float *panelBias = bias ? bias + j : 0;
        for (int i = 0; i < rows; i += 6) {
            const int r = rows - i < 6 ? rows - i : 6;
            DISPATCH_ROWS(block8, r, aT, inner, A_AT(a, lda, aT, i, 0), lda, PANEL(j, 8), panelBias, accumulate, c + (long)i * ldc + j, ldc)
        }
        j += 8;
    }
    if (j < columns)
        sgemm_portable(rows, columns - j, inner, a, lda, aT, PANEL(j, columns - j), bias ? bias + j : 0, accumulate, c + j, ldc);
}

AVX2 static void sgemm_avx2(int rows, int columns, int inner, const float *a, int lda, int aT, const float *b, int ldb,
                            int packed, const float *bias, int accumulate, float *c, int ldc) {
    if (aT) sgemm_avx2_by(1, rows, columns, inner, a, lda, b, ldb, packed, bias, accumulate, c, ldc);
    else sgemm_avx2_by(0, rows, columns, inner, a, lda, b, ldb, packed, bias, accumulate, c, ldc);
}


// AVX-512: R rows (up to ZROWS) × P panels of 16 columns, R·P accumulators of the 32 registers, P loads of B
// and R broadcasts of A per step. Panel p of B's row k is at b + p·panelStep + k·ldb (unpacked: the next 16
// columns; packed: the next panel). Always inlined with constant R and P, as the AVX2 blocks.
// 12 × 32 (24 accumulators) ran as fast as 14 × 32 and 6 × 64, and ahead of 8 × 48, on Winograd's and the
// tap-by-tap products' shapes.
enum { ZROWS = 12, ZPANELS = 2 };

NK_AVX512 NK_INLINE
void zblock(const int R, const int P, const int aT, int inner, const float *a, int lda, const float *b, int ldb, long panelStep,
            const float *bias, int accumulate, float *c, int ldc) {
    __m512 acc[ZROWS][ZPANELS];
    for (int p = 0; p < P; p++) {
        const __m512 start = bias ? _mm512_loadu_ps(bias + 16 * p) : _mm512_setzero_ps();
        for (int r = 0; r < R; r++) acc[r][p] = accumulate ? _mm512_loadu_ps(c + (long)r * ldc + 16 * p) : start;
    }
    for (int k = 0; k < inner; k++) {
        __m512 bk[ZPANELS];
        for (int p = 0; p < P; p++) bk[p] = _mm512_loadu_ps(b + p * panelStep + (long)k * ldb);
        for (int r = 0; r < R; r++) {
            const __m512 x = _mm512_set1_ps(*A_AT(a, lda, aT, r, k));
            for (int p = 0; p < P; p++) acc[r][p] = _mm512_fmadd_ps(x, bk[p], acc[r][p]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int p = 0; p < P; p++) _mm512_storeu_ps(c + (long)r * ldc + 16 * p, acc[r][p]);
}

// R rows × `width` (1...16) columns under a mask: B's rows are `width`... `ldb` apart, and neither B nor C is
// touched past the width (masked lanes are neither loaded nor stored, so they cannot fault).
NK_AVX512 NK_INLINE
void zblock_masked(const int R, const int aT, int width, int inner, const float *a, int lda, const float *b, int ldb,
                   const float *bias, int accumulate, float *c, int ldc) {
    const __mmask16 mask = (__mmask16)((1u << width) - 1);
    __m512 acc[ZROWS];
    const __m512 start = bias ? _mm512_maskz_loadu_ps(mask, bias) : _mm512_setzero_ps();
    for (int r = 0; r < R; r++) acc[r] = accumulate ? _mm512_maskz_loadu_ps(mask, c + (long)r * ldc) : start;
    for (int k = 0; k < inner; k++) {
        const __m512 bk = _mm512_maskz_loadu_ps(mask, b + (long)k * ldb);
        for (int r = 0; r < R; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(*A_AT(a, lda, aT, r, k)), bk, acc[r]);
    }
    for (int r = 0; r < R; r++) _mm512_mask_storeu_ps(c + (long)r * ldc, mask, acc[r]);
}

#define ZWIDE(R, ...) zblock(R, ZPANELS, __VA_ARGS__)
#define ZONE(R, ...) zblock(R, 1, __VA_ARGS__)
#define ZMASKED(R, ...) zblock_masked(R, __VA_ARGS__)

// Rows 1...ZROWS (12) to a constant.
#define ZDISPATCH_ROWS(kernel, R, ...) NK_CONSTANT_1_TO_12(kernel, R, __VA_ARGS__)

// The next block's rows when `remaining` are left: blocks of at most ZROWS, as even as possible (13 rows go as
// 7 + 6, not 12 + 1), so that no block has too few rows to hide the latency of its multiply-adds.
static inline int zrows(int remaining) {
    const int blocks = (remaining + ZROWS - 1) / ZROWS;
    return (remaining + blocks - 1) / blocks;
}

NK_AVX512 NK_INLINE void sgemm_avx512_by(const int aT, int rows, int columns, int inner, const float *a, int lda,
                                          const float *b, int ldb, int packed, const float *bias, int accumulate, float *c, int ldc) {
    // Packed panels are 16 columns wide and `inner` rows long, one after the other.
    const int stride = packed ? 16 : ldb;
    const long panelStep = packed ? 16L * inner : 16;
    int j = 0;
    // Column blocks outermost: a block of B stays in L1/L2 while every row block uses it.
    for (; j + 16 * ZPANELS <= columns; j += 16 * ZPANELS) {
        const float *blockB = packed ? b + (long)j * inner : b + j, *blockBias = bias ? bias + j : 0;
        for (int i = 0, r; i < rows; i += r) {
            r = zrows(rows - i);
            ZDISPATCH_ROWS(ZWIDE, r, aT, inner, A_AT(a, lda, aT, i, 0), lda, blockB, stride, panelStep, blockBias, accumulate,
                           c + (long)i * ldc + j, ldc)
        }
    }
    for (; j + 16 <= columns; j += 16) {
        const float *blockB = packed ? b + (long)j * inner : b + j, *blockBias = bias ? bias + j : 0;
        for (int i = 0, r; i < rows; i += r) {
            r = zrows(rows - i);
            ZDISPATCH_ROWS(ZONE, r, aT, inner, A_AT(a, lda, aT, i, 0), lda, blockB, stride, panelStep, blockBias, accumulate,
                           c + (long)i * ldc + j, ldc)
        }
    }
    // Fewer than 16 columns left: unpacked, one masked block; packed, `nk_pack`'s panel of 8, then the rest.
    while (j < columns) {
        const int left = columns - j, width = packed && left > 8 ? 8 : left;
        const float *blockB = packed ? b + (long)j * inner : b + j, *blockBias = bias ? bias + j : 0;
        for (int i = 0, r; i < rows; i += r) {
            r = zrows(rows - i);
            ZDISPATCH_ROWS(ZMASKED, r, aT, width, inner, A_AT(a, lda, aT, i, 0), lda, blockB, packed ? width : ldb, blockBias,
                           accumulate, c + (long)i * ldc + j, ldc)
        }
        j += width;
    }
}

NK_AVX512 static void sgemm_avx512(int rows, int columns, int inner, const float *a, int lda, int aT, const float *b,
                                   int ldb, int packed, const float *bias, int accumulate, float *c, int ldc) {
    if (aT) sgemm_avx512_by(1, rows, columns, inner, a, lda, b, ldb, packed, bias, accumulate, c, ldc);
    else sgemm_avx512_by(0, rows, columns, inner, a, lda, b, ldb, packed, bias, accumulate, c, ldc);
}
#endif

// The portable path over packed panels: the same panel walk as the AVX2 one, each panel a small product.
static void sgemm_portable_packed(int rows, int columns, int inner, const float *b, const float *a, int lda, int aT,
                                  const float *bias, int accumulate, float *c, int ldc) {
    for (int j = 0; j < columns;) {
        const int width = columns - j >= 16 ? 16 : columns - j >= 8 ? 8 : columns - j;
        sgemm_portable(rows, width, inner, a, lda, aT, b + (long)j * inner, width, bias ? bias + j : 0, accumulate, c + j, ldc);
        j += width;
    }
}

static void sgemm(int rows, int columns, int inner, const float *a, int lda, int aT, const float *b, int ldb,
                  int packed, const float *bias, int accumulate, float *c, int ldc) {
    switch (nk_dispatch_level()) {
#if NK_X86
    case NK_LEVEL_AVX512: sgemm_avx512(rows, columns, inner, a, lda, aT, b, ldb, packed, bias, accumulate, c, ldc); return;
    case NK_LEVEL_AVX2: sgemm_avx2(rows, columns, inner, a, lda, aT, b, ldb, packed, bias, accumulate, c, ldc); return;
#endif
    default:
        if (packed) sgemm_portable_packed(rows, columns, inner, b, a, lda, aT, bias, accumulate, c, ldc);
        else sgemm_portable(rows, columns, inner, a, lda, aT, b, ldb, bias, accumulate, c, ldc);
    }
}

void nk_sgemm(int rows, int columns, int inner, const float *a, int lda, const float *b, int ldb,
              const float *bias, float *c, int ldc) {
    sgemm(rows, columns, inner, a, lda, 0, b, ldb, 0, bias, 0, c, ldc);
}

void nk_sgemm_add(int rows, int columns, int inner, const float *a, int lda, const float *b, int ldb,
                  float *c, int ldc) {
    sgemm(rows, columns, inner, a, lda, 0, b, ldb, 0, 0, 1, c, ldc);
}

void nk_pack(int inner, int columns, const float *b, int ldb, float *packed) {
    for (int j = 0; j < columns;) {
        const int width = columns - j >= 16 ? 16 : columns - j >= 8 ? 8 : columns - j;
        float *panel = packed + (long)j * inner;
        for (int k = 0; k < inner; k++)
            for (int x = 0; x < width; x++) panel[(long)k * width + x] = b[(long)k * ldb + j + x];
        j += width;
    }
}

void nk_sgemm_packed(int rows, int columns, int inner, const float *a, int lda, const float *packed,
                     const float *bias, float *c, int ldc) {
    sgemm(rows, columns, inner, a, lda, 0, packed, 0, 1, bias, 0, c, ldc);
}

void nk_sgemm_packed_add(int rows, int columns, int inner, const float *a, int lda, const float *packed,
                         float *c, int ldc) {
    sgemm(rows, columns, inner, a, lda, 0, packed, 0, 1, 0, 1, c, ldc);
}

void nk_sgemm_packed_block(int transposeA, int rows, int columns, int inner, const float *a, int lda, const float *packed,
                           int accumulate, float *c, int ldc) {
    sgemm(rows, columns, inner, a, lda, transposeA != 0, packed, 0, 1, 0, accumulate, c, ldc);
}

void nk_sgemm_block(int transposeA, int rows, int columns, int inner, const float *a, int lda, const float *b, int ldb,
                    int accumulate, float *c, int ldc) {
    sgemm(rows, columns, inner, a, lda, transposeA != 0, b, ldb, 0, 0, accumulate, c, ldc);
}
