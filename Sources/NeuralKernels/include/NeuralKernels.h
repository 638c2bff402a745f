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
/// panels straight from memory, each panel once per block of rows of A. AVX-512, AVX2 or portable C
/// by `nk_level()`.
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

/// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, row-major, as BLAS's sgemm: for products too large for
/// `nk_sgemm` to keep its operands in cache. Both operands are copied into blocks the packed kernel streams
/// (so the level is `nk_level()`'s). Returns 0, or −1 when the blocks could not be allocated.
int nk_gemm(int transposeA, int transposeB, int m, int n, int k, float alpha, const float *a, int lda,
            const float *b, int ldb, float beta, float *c, int ldc);

/// The geometry of a convolution over one NHWC image: input height × width × channels, output outHeight ×
/// outWidth × filters, a kernelHeight × kernelWidth kernel at `stride`, padTop/padLeft zero rows/columns
/// before the image (and as many after as the output needs).
typedef struct {
    int height, width, channels, filters, kernelHeight, kernelWidth, stride, padTop, padLeft, outHeight, outWidth;
} NKThinShape;

/// Output rows row0 ..< row1 of one image (written at output + row0·outWidth·filters), read straight from the
/// image, for convolutions with few taps (kernelHeight·kernelWidth·channels, a gray image's 3x3: 9) where an
/// im2col product is bound by its short inner dimension. `kernel` is [kh][kw][channels][filters] (Keras's
/// layout); `bias` may be NULL. Returns 0, or −1 when its scratch could not be allocated.
int nk_conv_thin(const NKThinShape shape, const float *image, int row0, int row1, const float *kernel,
                 const float *bias, float *output);

/// The kernel gradient of the same convolution from output rows row0 ..< row1 of one image: adds
/// Σ x · dY over those rows' pixels into `kernelGradient` ([kh][kw][channels][filters]). `outputGradient` is
/// the whole image's, [outHeight][outWidth][filters]. Returns 0, or −1 when its scratch could not be allocated.
int nk_conv_thin_kernel_gradient(const NKThinShape shape, const float *image, int row0, int row1,
                                 const float *outputGradient, float *kernelGradient);

/// The geometry of a Winograd F(m×m, r×r) convolution over NHWC images: n = m + r − 1; tiles are numbered
/// image by image, row by row.
typedef struct {
    int height, width, channels, m, n, pad, tilesY, tilesX;
} NKWinogradShape;

/// V[ξ][t − t0] = (Bᵀ d B)[ξ] for the n×n input tile d of each tile t in t0 ..< t1 (zero outside the image),
/// written at v + ξ·planeStride + (t − t0)·channels. `bt` is Bᵀ (n×n, row-major); `scratch` holds n·n·channels.
void nk_winograd_input(const NKWinogradShape shape, const float *source, int t0, int t1, const float *bt, float *v,
                       long planeStride, float *scratch);

/// The generalisation of `nk_winograd_input`: V[ξ][t − t0] = (L d Lᵀ)[ξ] for the window×window tile d at
/// (ty·m − pad, tx·m − pad) of each tile t (zero outside the image), L being n×window (row-major); `scratch`
/// holds n·window·channels. With window m, pad 0 and L = A it transforms dY's tiles for the kernel gradient.
void nk_winograd_tiles(const NKWinogradShape shape, int window, const float *l, const float *source, int t0, int t1,
                       float *v, long planeStride, float *scratch);

/// The m×m output tile Aᵀ M A (+ bias) of each tile t in t0 ..< t1, clipped to the image, where M[ξ] is at
/// products + ξ·(t1 − t0)·channels + (t − t0)·channels. `at` is Aᵀ (m×n); `scratch` holds m·n·channels.
void nk_winograd_output(const NKWinogradShape shape, const float *products, int t0, int t1, const float *at,
                        const float *bias, float *output, float *scratch);

/// out[i][j] = Σ_p Σ_q L[i][p] x[p][q] L[j][q] for `count` values of each plane, where x is an inner × inner grid
/// and out an outer × outer grid of planes `plane` floats apart and L is outer × inner (row-major, at most 8 × 8):
/// the kernel transform G g Gᵀ and its adjoint Gᵀ M G. `scratch` holds outer·inner·256 floats.
void nk_winograd_sandwich(int outer, int inner, const float *l, const float *x, long plane, long count, float *out,
                          float *scratch);

/// Batch normalisation over `rows` rows of `channels` values (NHWC activations), single-threaded: callers
/// split the rows across cores and add up the partial sums. AVX-512, AVX2 or portable C by `nk_level()`.
///
/// sums[j] += Σ_r x[r][j] and sums[channels + j] += Σ_r x[r][j]², in double.
void nk_channel_moments(int rows, int channels, const float *x, double *sums);

/// y = γ·((x − mean)·inverse) + β per channel, then max(·, 0) when `rectify` (a ReLU folded in).
void nk_batchnorm_forward(int rows, int channels, const float *x, const float *mean, const float *inverse,
                          const float *gamma, const float *beta, int rectify, float *y);

/// sums[j] += Σ_r g, sums[channels + j] += Σ_r g·x̂ (x̂ = (x − mean)·inverse) with g = dy, or, when `y` (a
/// folded ReLU's output) is not NULL, g = dy where y > 0 and 0 elsewhere: dβ and dγ.
void nk_batchnorm_gradient_sums(int rows, int channels, const float *dy, const float *y, const float *x,
                                const float *mean, const float *inverse, double *sums);

/// dx = k·(g − meanDBeta − x̂·meanDGamma) per channel, with g and x̂ as in `nk_batchnorm_gradient_sums`.
void nk_batchnorm_input_gradient(int rows, int channels, const float *dy, const float *y, const float *x,
                                 const float *mean, const float *inverse, const float *k, const float *meanDBeta,
                                 const float *meanDGamma, float *dx);

/// BatchNorm, a folded ReLU and a 2x2 max pool of stride 2 in one pass: `x` holds 2·rows image rows of `width`
/// (even) pixels; `pooled` gets max(0, max of the window's γ·((x − mean)·inverse) + β), `winning` the input x
/// of the window's first maximum, both rows of width / 2 pixels.
void nk_batchnorm_pool_forward(int rows, int width, int channels, const float *x, const float *mean,
                               const float *inverse, const float *gamma, const float *beta, float *pooled,
                               float *winning);

/// dβ and dγ of the pooled stage over `count` pooled values: sums[j] += Σ g, sums[channels + j] += Σ g·x̂ with
/// x̂ the winning input normalised and g = dy where the window's maximum is positive, 0 elsewhere.
void nk_batchnorm_pool_gradient_sums(int count, int channels, const float *dy, const float *winning,
                                     const float *mean, const float *inverse, const float *gamma,
                                     const float *beta, double *sums);

/// dx = k·(g − meanDBeta − x̂·meanDGamma) for every input of 2·rows image rows, g being the pooled gradient at
/// each window's first input equal to its winning one (where the maximum is positive), 0 at the others.
void nk_batchnorm_pool_input_gradient(int rows, int width, int channels, const float *dy, const float *winning,
                                      const float *x, const float *mean, const float *inverse, const float *gamma,
                                      const float *beta, const float *k, const float *meanDBeta,
                                      const float *meanDGamma, float *dx);

/// Adam (Keras's form, bias correction folded into `stepSize`) over `count` weights `w` with gradients `g`
/// and moments `m`, `v`: m += (g − m)(1 − β₁), v += (g² − v)(1 − β₂), w −= stepSize·m / (√v + ε).
void nk_adam_update(long count, float *w, const float *g, float *m, float *v, float beta1, float beta2,
                    float stepSize, float epsilon);

/// SGD with momentum (Keras's form) and L2 decay: g' = g + decay·w, v = μv − ηg', w += μv − ηg' (Nesterov) or v.
void nk_sgd_update(long count, float *w, const float *g, float *v, float learningRate, float momentum, int nesterov,
                   float decay);

/// The instruction-set levels every kernel has a form for, lowest first.
typedef enum {
    /// C the compiler vectorises for the baseline x86-64 (SSE2) or any other CPU.
    NK_LEVEL_PORTABLE = 0,
    /// 8-lane AVX2 with FMA.
    NK_LEVEL_AVX2 = 1,
    /// 16-lane AVX-512 (F, BW, VL and DQ) with 32 vector registers.
    NK_LEVEL_AVX512 = 2,
} NKLevel;

/// The highest level this CPU (and its operating system) supports, by what the CPU reports, never by its name.
NKLevel nk_cpu_level(void);

/// Caps the level of every thread of the process (NK_LEVEL_AVX512: no cap), to measure or test a lower level.
void nk_set_max_level(NKLevel level);
NKLevel nk_max_level(void);

/// Caps the level of kernels called from this thread only (on top of the process's cap). `Compute` passes a
/// thread's cap on to the workers running its loops, so that a test can force a level without touching others.
void nk_set_thread_max_level(NKLevel level);
NKLevel nk_thread_max_level(void);

/// The level kernels called from this thread run: the CPU's, lowered by the process's and the thread's caps.
/// Every kernel decides by this one function.
NKLevel nk_level(void);

/// The levels kernels called from this thread actually ran since the last reset, one bit per level
/// (1 << NKLevel): for tests, to prove that the form they meant to check is the one that ran. `Compute` adds
/// what its workers ran on a thread's behalf.
unsigned nk_levels_run_on_this_thread(void);
void nk_reset_levels_run_on_this_thread(void);
void nk_add_levels_run_on_this_thread(unsigned levels);

/// Runs `iterations` steps of `accumulators` independent chains of vector fused multiply-adds of `bits`
/// (256 or 512) bits on this thread and returns the floating-point operations done (0 when the CPU lacks
/// the width). Timed by the caller, it gives the core's peak, the figure kernels' speeds are fractions of.
double nk_fma_loop(int bits, long iterations);

#ifdef __cplusplus
}
#endif

#endif
