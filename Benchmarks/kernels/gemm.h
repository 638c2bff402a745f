// The large products, row-major C[m×n] = op(A)·op(B), by each library measured.
#pragma once
#include <string>

namespace bench {

struct GemmShape {
    std::string name;   // where the product comes from
    bool transposeA, transposeB;
    int m, n, k;
    double flops() const { return 2.0 * m * n * k; }
};

enum class GemmLibrary { emoscope, openblas, blis, onednn };
const char *name(GemmLibrary library);

// Median seconds of one product on `threads` threads. Emoscope's is nk_gemm split across threads as
// Compute.gemm splits it; the libraries run their own threading.
double timeGemm(GemmLibrary library, const GemmShape &shape, int threads);

// Largest |difference| between this library's product and OpenBLAS's on the shape, relative to the largest |C|.
double gemmDisagreement(GemmLibrary library, const GemmShape &shape);

// What each library runs on this CPU: OpenBLAS's core, BLIS's sub-configuration.
std::string gemmLibraryVersions();

// BLIS, in its own file: its header declares a CBLAS of its own.
void blisSgemm(bool transposeA, bool transposeB, int m, int n, int k, const float *a, int lda, const float *b,
               int ldb, float *c, int ldc, int threads);
std::string blisConfiguration();
// Overrides BLIS's choice of kernels by the CPU (BLIS 0.9 takes a Zen 5 for an unknown CPU and runs its
// generic C kernels); before any other BLIS call.
void blisChooseConfiguration(const std::string &name);

}  // namespace bench
