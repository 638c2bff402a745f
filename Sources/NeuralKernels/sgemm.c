#include "NeuralKernels.h"

// A register-blocked product in the manner of BLIS/OpenBLAS micro-kernels, without their packing: up to
// 6 rows of A times a 16-column panel of B accumulate in 12 AVX registers; each step of the inner dimension
// loads 2 vectors of B, broadcasts 6 scalars of A and issues 12 fused multiply-adds. Packing pays for itself
// only when a product is large; these products are small and many.

// With `accumulate`, C is added to (and `bias` ignored); otherwise C is overwritten, starting from the bias.
static void sgemm_portable(int rows, int columns, int inner, const float *a, int lda, const float *b, int ldb,
                           const float *bias, int accumulate, float *c, int ldc) {
    for (int i = 0; i < rows; i++) {
        float *ci = c + (long)i * ldc;
        if (!accumulate) for (int j = 0; j < columns; j++) ci[j] = bias ? bias[j] : 0;
        for (int k = 0; k < inner; k++) {
            const float aik = a[(long)i * lda + k];
            const float *bk = b + (long)k * ldb;
            for (int j = 0; j < columns; j++) ci[j] += aik * bk[j];
        }
    }
}

// Panel j of B (columns j ..< j + width): unpacked, B's own columns with its row stride; packed, the
// contiguous inner × width block `nk_pack` wrote (all panels before it are `inner` × their widths).
#define PANEL(j, width) (packed ? b + (long)(j) * inner : b + (j)), (packed ? (width) : ldb)

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))

// R rows (1...6) × 16 columns. Always inlined with a constant R, so the loops over rows unroll and the
// accumulators stay in registers.
AVX2 static inline __attribute__((always_inline))
void block16(const int R, int inner, const float *a, int lda, const float *b, int ldb, const float *bias,
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
            const __m256 x = _mm256_broadcast_ss(a + (long)r * lda + k);
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
void block8(const int R, int inner, const float *a, int lda, const float *b, int ldb, const float *bias,
            int accumulate, float *c, int ldc) {
    __m256 acc[6];
    const __m256 start = bias ? _mm256_loadu_ps(bias) : _mm256_setzero_ps();
    for (int r = 0; r < R; r++) acc[r] = accumulate ? _mm256_loadu_ps(c + (long)r * ldc) : start;
    for (int k = 0; k < inner; k++) {
        const __m256 b0 = _mm256_loadu_ps(b + (long)k * ldb);
        for (int r = 0; r < R; r++) acc[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(a + (long)r * lda + k), b0, acc[r]);
    }
    for (int r = 0; r < R; r++) _mm256_storeu_ps(c + (long)r * ldc, acc[r]);
}

#define DISPATCH_ROWS(kernel, R, ...) switch (R) { \
    case 6: kernel(6, __VA_ARGS__); break; case 5: kernel(5, __VA_ARGS__); break; \
    case 4: kernel(4, __VA_ARGS__); break; case 3: kernel(3, __VA_ARGS__); break; \
    case 2: kernel(2, __VA_ARGS__); break; default: kernel(1, __VA_ARGS__); break; }

AVX2 static void sgemm_avx2(int rows, int columns, int inner, const float *a, int lda, const float *b, int ldb,
                            int packed, const float *bias, int accumulate, float *c, int ldc) {
    int j = 0;
    // Column panels outermost: a panel of B (inner × 16 floats) stays in L1/L2 while every row block uses it.
    for (; j + 16 <= columns; j += 16) {
        const float *panelBias = bias ? bias + j : 0;
        for (int i = 0; i < rows; i += 6) {
            const int r = rows - i < 6 ? rows - i : 6;
            DISPATCH_ROWS(block16, r, inner, a + (long)i * lda, lda, PANEL(j, 16), panelBias, accumulate, c + (long)i * ldc + j, ldc)
        }
    }
    if (j + 8 <= columns) {
        const float *panelBias = bias ? bias + j : 0;
        for (int i = 0; i < rows; i += 6) {
            const int r = rows - i < 6 ? rows - i : 6;
            DISPATCH_ROWS(block8, r, inner, a + (long)i * lda, lda, PANEL(j, 8), panelBias, accumulate, c + (long)i * ldc + j, ldc)
        }
        j += 8;
    }
    if (j < columns)
        sgemm_portable(rows, columns - j, inner, a, lda, PANEL(j, columns - j), bias ? bias + j : 0, accumulate, c + j, ldc);
}

#endif

// The portable path over packed panels: the same panel walk as the AVX2 one, each panel a small product.
static void sgemm_portable_packed(int rows, int columns, int inner, const float *b, const float *a, int lda,
                                  const float *bias, int accumulate, float *c, int ldc) {
    for (int j = 0; j < columns;) {
        const int width = columns - j >= 16 ? 16 : columns - j >= 8 ? 8 : columns - j;
        sgemm_portable(rows, width, inner, a, lda, b + (long)j * inner, width, bias ? bias + j : 0, accumulate, c + j, ldc);
        j += width;
    }
}

// Set by tests, so that the portable kernels are checked on machines that would otherwise never run them.
static _Thread_local int portable_on_this_thread;

void nk_use_portable_kernels_on_this_thread(int portable) { portable_on_this_thread = portable; }

int nk_uses_avx2(void) {
#if defined(__x86_64__) || defined(__i386__)
    static int answer = -1;
    if (answer < 0) answer = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return answer && !portable_on_this_thread;
#else
    return 0;
#endif
}

static void sgemm(int rows, int columns, int inner, const float *a, int lda, const float *b, int ldb, int packed,
                  const float *bias, int accumulate, float *c, int ldc) {
#if defined(__x86_64__) || defined(__i386__)
    if (nk_uses_avx2()) { sgemm_avx2(rows, columns, inner, a, lda, b, ldb, packed, bias, accumulate, c, ldc); return; }
#endif
    if (packed) sgemm_portable_packed(rows, columns, inner, b, a, lda, bias, accumulate, c, ldc);
    else sgemm_portable(rows, columns, inner, a, lda, b, ldb, bias, accumulate, c, ldc);
}

void nk_sgemm(int rows, int columns, int inner, const float *a, int lda, const float *b, int ldb,
              const float *bias, float *c, int ldc) {
    sgemm(rows, columns, inner, a, lda, b, ldb, 0, bias, 0, c, ldc);
}

void nk_sgemm_add(int rows, int columns, int inner, const float *a, int lda, const float *b, int ldb,
                  float *c, int ldc) {
    sgemm(rows, columns, inner, a, lda, b, ldb, 0, 0, 1, c, ldc);
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
    sgemm(rows, columns, inner, a, lda, packed, 0, 1, bias, 0, c, ldc);
}

void nk_sgemm_packed_add(int rows, int columns, int inner, const float *a, int lda, const float *packed,
                         float *c, int ldc) {
    sgemm(rows, columns, inner, a, lda, packed, 0, 1, 0, 1, c, ldc);
}
