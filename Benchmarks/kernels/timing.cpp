#include "timing.h"
#include "NeuralKernels.h"
#include <cstdio>
#include <omp.h>

namespace bench {

double fmaPeak(int threads, long iterations) {
    std::vector<double> samples;
    for (int run = 0; run < 5; run++) {
        double flops = 0;
        const double t0 = now();
#pragma omp parallel num_threads(threads) reduction(+ : flops)
        flops += nk_fma_loop(512, iterations);
        samples.push_back(flops / (now() - t0) / 1e9);
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

std::string rate(double flops, double seconds, double peak) {
    if (!(seconds > 0)) return "-";
    char text[48];
    const double gflops = flops / seconds / 1e9;
    std::snprintf(text, sizeof text, "%.0f (%.0f%%)", gflops, 100 * gflops / peak);
    return text;
}

}  // namespace bench
