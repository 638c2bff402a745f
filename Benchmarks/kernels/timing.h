// Timing and the machine's peak, shared by the side-by-side kernel benchmark's parts.
#pragma once
#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace bench {

inline double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Median seconds of `body` over at least `minRuns` runs and about `budget` seconds (at most 200 runs), after one
// warm-up run (which also lets each library pick and JIT its kernels).
inline double median(const std::function<void()> &body, int minRuns = 5, double budget = 0.25) {
    body();
    std::vector<double> samples;
    const double start = now();
    while ((int)samples.size() < minRuns || (now() - start < budget && samples.size() < 200)) {
        const double t0 = now();
        body();
        samples.push_back(now() - t0);
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

// The FMA peak of `threads` cores at 512 bits (GFLOP/s), measured by NeuralKernels' FMA loop on each thread at
// once (median of 5 runs of `iterations` steps). Measured again beside each row, it shows what other processes
// left of the cores while that row ran.
double fmaPeak(int threads, long iterations = 20'000'000);

// "123.4 (46%)": GFLOP/s and the fraction of `peak`, or "-" when the time is unknown.
std::string rate(double flops, double seconds, double peak);

}  // namespace bench
