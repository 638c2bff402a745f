#include "level.h"
#include <stdlib.h>

// The large product, BLAS's sgemm, built on the packed kernel: op(B) is copied in blocks of KC rows × NC
// columns into nk_pack's 16-column panels, read as contiguous streams from L2 while a 32-column slice stays in
// L1. A is read in place, transposed or not (the kernels take either): copying it cost more than it saved.
// Only an alpha other than 1 makes a scaled copy of A's block.

enum { KC = 256, MC = 192, NC = 1024, SMALL_M = 12 };

// packed[k][j] of op(B)'s rows k0 ..< k0 + kc and columns j0 ..< j0 + nc, in nk_pack's panels.
static void pack_b(int transposed, int kc, int nc, const float *b, int ldb, int k0, int j0, float *packed) {
    for (int j = 0; j < nc;) {
        const int width = nc - j >= 16 ? 16 : nc - j >= 8 ? 8 : nc - j;
        float *panel = packed + (long)j * kc;
        if (transposed) {
            // op(B)[k][j] = B[j][k]: each column of the panel is a row of B, read in one stream.
            for (int x = 0; x < width; x++) {
                const float *row = b + (long)(j0 + j + x) * ldb + k0;
                for (int k = 0; k < kc; k++) panel[(long)k * width + x] = row[k];
            }
        } else {
            for (int k = 0; k < kc; k++) {
                const float *row = b + (long)(k0 + k) * ldb + j0 + j;
                for (int x = 0; x < width; x++) panel[(long)k * width + x] = row[x];
            }
        }
        j += width;
    }
}

// packed[i][k] = alpha · op(A)[i0 + i][k0 + k], row-major with leading dimension kc.
static void pack_a(int transposed, int mc, int kc, float alpha, const float *a, int lda, int i0, int k0, float *packed) {
    if (transposed) {
        // op(A)[i][k] = A[k][i]: read A's rows in one stream each, write the block's columns.
        for (int k = 0; k < kc; k++) {
            const float *row = a + (long)(k0 + k) * lda + i0;
            for (int i = 0; i < mc; i++) packed[(long)i * kc + k] = alpha * row[i];
        }
    } else {
        for (int i = 0; i < mc; i++) {
            const float *row = a + (long)(i0 + i) * lda + k0;
            for (int k = 0; k < kc; k++) packed[(long)i * kc + k] = alpha * row[k];
        }
    }
}

int nk_gemm(int transposeA, int transposeB, int m, int n, int k, float alpha, const float *a, int lda,
            const float *b, int ldb, float beta, float *c, int ldc) {
    // Recorded here too: an empty product calls no kernel, but it ran at this level all the same.
    (void)nk_dispatch_level();
    if (m <= 0 || n <= 0) return 0;
    if (beta != 0 && beta != 1)
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) c[(long)i * ldc + j] *= beta;
    if (k <= 0 || alpha == 0) {
        if (beta == 0) for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) c[(long)i * ldc + j] = 0;
        return 0;
    }
    // A few rows of A (a small batch through a Dense layer): each block of B would be packed for one pass of
    // the kernel, so the kernel reads B in place instead, once.
    if (m <= SMALL_M && !transposeB && alpha == 1) {
        nk_sgemm_block(transposeA, m, n, k, a, lda, b, ldb, beta != 0, c, ldc);
        return 0;
    }
    const int kc0 = k < KC ? k : KC, mc0 = m < MC ? m : MC, nc0 = n < NC ? n : NC;
    float *packedA = alpha == 1 ? 0 : aligned_alloc(64, ((sizeof(float) * mc0 * kc0 + 63) / 64) * 64);
    float *packedB = aligned_alloc(64, ((sizeof(float) * kc0 * nc0 + 63) / 64) * 64);
    if ((alpha != 1 && !packedA) || !packedB) { free(packedA); free(packedB); return -1; }
    for (int j0 = 0; j0 < n; j0 += NC) {
        const int nc = n - j0 < NC ? n - j0 : NC;
        for (int k0 = 0; k0 < k; k0 += KC) {
            const int kc = k - k0 < KC ? k - k0 : KC;
            pack_b(transposeB, kc, nc, b, ldb, k0, j0, packedB);
            // The first block of the inner dimension overwrites C unless beta asks to keep it.
            const int accumulate = k0 > 0 || beta != 0;
            for (int i0 = 0; i0 < m; i0 += MC) {
                const int mc = m - i0 < MC ? m - i0 : MC;
                float *block = c + (long)i0 * ldc + j0;
                if (packedA) {
                    pack_a(transposeA, mc, kc, alpha, a, lda, i0, k0, packedA);
                    nk_sgemm_packed_block(0, mc, nc, kc, packedA, kc, packedB, accumulate, block, ldc);
                } else {
                    const float *blockA = transposeA ? a + (long)k0 * lda + i0 : a + (long)i0 * lda + k0;
                    nk_sgemm_packed_block(transposeA, mc, nc, kc, blockA, lda, packedB, accumulate, block, ldc);
                }
            }
        }
    }
    free(packedA);
    free(packedB);
    return 0;
}
