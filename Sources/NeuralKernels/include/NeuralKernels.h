#ifndef NEURAL_KERNELS_H
#define NEURAL_KERNELS_H

/// Hand-written compute kernels for the products where calling BLAS costs more than the work: the many small
/// products of a Winograd convolution run per block of tiles (6 to 96 rows), and convolutions with a tiny
/// inner dimension (a gray image's 3x3 taps), where OpenBLAS spends its time packing operands and writing
/// the output twice; and Winograd's tile transforms, which need the same vector width. Single-threaded:
/// callers split the work across cores themselves.

#ifdef __cplusplus
extern "C" {
#endif

/// C[rows×columns] = A[rows×inner] · B[inner×columns] (+ bias[column] on every row when `bias` is not NULL),
/// row-major with leading dimensions; C is overwritten. Neither operand is packed: B is read in 16-column
/// panels straight from memory, each panel once per 6 rows of A. AVX2 and FMA when the CPU has them,
/// portable C otherwise.
void nk_sgemm(int rows, int columns, int inner, const float *a, int lda, const float *b, int ldb,
              const float *bias, float *c, int ldc);

/// C[rows×columns] += A[rows×inner] · B[inner×columns]; otherwise as `nk_sgemm`.
void nk_sgemm_add(int rows, int columns, int inner, const float *a, int lda, const float *b, int ldb,
                  float *c, int ldc);

/// Rearranges B[inner×columns] (row-major, leading dimension ldb) into `packed` (inner·columns floats): its
/// columns in panels of 16 (then one of 8, then the rest), each panel a contiguous inner × width block. A
/// product then reads each panel as one stream, where unpacked it reads one short row every `ldb` floats,
/// a new page every few rows. Worth it for a matrix used many times unchanged: a frozen layer's weights.
/// Columns j ..< columns of a packing start at packed + j·inner when j is a multiple of 16.
void nk_pack(int inner, int columns, const float *b, int ldb, float *packed);

/// As `nk_sgemm`, with B packed by `nk_pack`.
void nk_sgemm_packed(int rows, int columns, int inner, const float *a, int lda, const float *packed,
                     const float *bias, float *c, int ldc);

/// As `nk_sgemm_add`, with B packed by `nk_pack`.
void nk_sgemm_packed_add(int rows, int columns, int inner, const float *a, int lda, const float *packed,
                         float *c, int ldc);

/// The geometry of a Winograd F(m×m, r×r) convolution over NHWC images: n = m + r − 1; tiles are numbered
/// image by image, row by row.
typedef struct {
    int height, width, channels, m, n, pad, tilesY, tilesX;
} NKWinogradShape;

/// V[ξ][t − t0] = (Bᵀ d B)[ξ] for the n×n input tile d of each tile t in t0 ..< t1 (zero outside the image),
/// written at v + ξ·planeStride + (t − t0)·channels. `bt` is Bᵀ (n×n, row-major); `scratch` holds n·n·channels.
void nk_winograd_input(const NKWinogradShape shape, const float *source, int t0, int t1, const float *bt, float *v,
                       long planeStride, float *scratch);

/// The m×m output tile Aᵀ M A (+ bias) of each tile t in t0 ..< t1, clipped to the image, where M[ξ] is at
/// products + ξ·(t1 − t0)·channels + (t − t0)·channels. `at` is Aᵀ (m×n); `scratch` holds m·n·channels.
void nk_winograd_output(const NKWinogradShape shape, const float *products, int t0, int t1, const float *at,
                        const float *bias, float *output, float *scratch);

/// Whether the kernels run their AVX2/FMA forms on this CPU and thread (for benchmarks and tests to report).
int nk_uses_avx2(void);

/// For tests: with `portable` non-zero, kernels called from this thread take their portable C forms.
void nk_use_portable_kernels_on_this_thread(int portable);

#ifdef __cplusplus
}
#endif

#endif
