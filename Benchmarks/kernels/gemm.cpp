#include "gemm.h"
#include "NeuralKernels.h"
#include "timing.h"
#include <algorithm>
#include <atomic>
#include <cblas.h>
#include <cmath>
#include <dnnl.h>
#include <omp.h>
#include <random>
#include <stdexcept>
#include <vector>

namespace bench {

const char *name(GemmLibrary library) {
    switch (library) {
    case GemmLibrary::emoscope: return "Emoscope nk_gemm";
    case GemmLibrary::openblas: return "OpenBLAS";
    case GemmLibrary::blis: return "BLIS";
    case GemmLibrary::onednn: return "oneDNN sgemm";
    }
    return "?";
}

namespace {

struct Operands {
    std::vector<float> a, b, c;
    int lda, ldb;
    explicit Operands(const GemmShape &s) {
        lda = s.transposeA ? s.m : s.k;
        ldb = s.transposeB ? s.k : s.n;
        std::mt19937 random(7);
        std::uniform_real_distribution<float> uniform(-1, 1);
        a.resize((size_t)s.m * s.k);
        b.resize((size_t)s.k * s.n);
        c.assign((size_t)s.m * s.n, 0);
        for (auto &x : a) x = uniform(random);
        for (auto &x : b) x = uniform(random);
    }
};

// Compute.gemm's split of nk_gemm (Sources/NeuralNet/Core/Compute.swift): two slabs per thread of 16-column
// panels, claimed one at a time; small products in one call.
void emoscopeGemm(const GemmShape &s, const Operands &o, float *c, int threads) {
    auto product = [&](int r0, int r1, int c0, int c1) {
        const float *a = o.a.data() + (s.transposeA ? r0 : (long)r0 * o.lda);
        const float *b = o.b.data() + (s.transposeB ? (long)c0 * o.ldb : c0);
        if (nk_gemm(s.transposeA, s.transposeB, r1 - r0, c1 - c0, s.k, 1, a, o.lda, b, o.ldb, 0,
                    c + (long)r0 * s.n + c0, s.n) != 0)
            throw std::runtime_error("nk_gemm: out of memory");
    };
    const long work = (long)s.m * s.n * s.k;
    const int slabs = work < (1 << 18) ? 1 : std::min(2 * threads, std::max(s.m, s.n) / 16);
    const bool byPanels = s.n >= 32;
    const int units = byPanels ? (s.n + 15) / 16 : std::max(s.m, s.n);
    const int chunks = std::max(1, std::min(slabs, units));
    const int step = (units + chunks - 1) / chunks;
    auto run = [&](int start) {
        const int end = std::min(units, start + step);
        if (byPanels) product(0, s.m, start * 16, std::min(s.n, end * 16));
        else if (s.m >= s.n) product(start, end, 0, s.n);
        else product(0, s.m, start, end);
    };
    if (threads <= 1 || chunks <= 1) {
        for (int start = 0; start < units; start += step) run(start);
        return;
    }
    std::atomic<int> next{0};
#pragma omp parallel num_threads(std::min(threads, chunks))
    for (int start; (start = next.fetch_add(step)) < units;) run(start);
}

void runGemm(GemmLibrary library, const GemmShape &s, const Operands &o, float *c, int threads) {
    switch (library) {
    case GemmLibrary::emoscope: emoscopeGemm(s, o, c, threads); break;
    case GemmLibrary::openblas:
        openblas_set_num_threads(threads);
        cblas_sgemm(CblasRowMajor, s.transposeA ? CblasTrans : CblasNoTrans, s.transposeB ? CblasTrans : CblasNoTrans,
                    s.m, s.n, s.k, 1, o.a.data(), o.lda, o.b.data(), o.ldb, 0, c, s.n);
        break;
    case GemmLibrary::blis:
        blisSgemm(s.transposeA, s.transposeB, s.m, s.n, s.k, o.a.data(), o.lda, o.b.data(), o.ldb, c, s.n, threads);
        break;
    case GemmLibrary::onednn:
        omp_set_num_threads(threads);
        if (dnnl_sgemm(s.transposeA ? 'T' : 'N', s.transposeB ? 'T' : 'N', s.m, s.n, s.k, 1, o.a.data(), o.lda,
                       o.b.data(), o.ldb, 0, c, s.n) != dnnl_success)
            throw std::runtime_error("dnnl_sgemm failed");
        break;
    }
}

}  // namespace

double timeGemm(GemmLibrary library, const GemmShape &shape, int threads) {
    Operands operands(shape);
    return median([&] { runGemm(library, shape, operands, operands.c.data(), threads); });
}

double gemmDisagreement(GemmLibrary library, const GemmShape &shape) {
    Operands operands(shape);
    std::vector<float> reference(operands.c.size());
    runGemm(GemmLibrary::openblas, shape, operands, reference.data(), 1);
    runGemm(library, shape, operands, operands.c.data(), 2);
    double largest = 0, worst = 0;
    for (size_t i = 0; i < reference.size(); i++) {
        largest = std::max(largest, (double)std::fabs(reference[i]));
        worst = std::max(worst, (double)std::fabs(reference[i] - operands.c[i]));
    }
    return worst / std::max(largest, 1e-30);
}

std::string gemmLibraryVersions() {
    const dnnl_version_t *v = dnnl_version();
    return std::string(openblas_get_config()) + ", core " + openblas_get_corename() + "; " + blisConfiguration() +
           "; oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch) +
           " (max ISA " + std::to_string((int)dnnl_get_effective_cpu_isa()) + ")";
}

}  // namespace bench
