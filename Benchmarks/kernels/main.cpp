// Side by side on this machine: Emoscope's own kernels, OpenBLAS, BLIS and oneDNN, on the products and
// convolutions of the tutorial and compact networks. Built and run by scripts/bench-kernels.sh.
#include "conv.h"
#include "emoscope_layers.h"
#include "gemm.h"
#include "timing.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

using namespace bench;

namespace {

const std::vector<ConvShape> convolutions = {
    {"tutorial", 0, 48, 48, 1, 64, 3, true, true},      {"tutorial", 5, 24, 24, 64, 128, 5, true, false},
    {"tutorial", 10, 12, 12, 128, 512, 3, true, false}, {"tutorial", 15, 6, 6, 512, 128, 5, true, false},
    {"compact", 0, 48, 48, 1, 32, 3, false, true},      {"compact", 4, 24, 24, 32, 64, 3, false, false},
    {"compact", 7, 24, 24, 64, 64, 3, false, false},    {"compact", 11, 12, 12, 64, 128, 3, false, false},
    {"compact", 14, 12, 12, 128, 128, 3, false, false}, {"compact", 18, 6, 6, 128, 256, 3, false, false},
    {"compact", 21, 6, 6, 256, 256, 3, false, false},
};

// The products Compute.gemm runs in a training step at batch 64 (Winograd's kernel gradients, one per tile
// position; the first layer's kernel gradient; the Dense layers), and those im2col would run instead of Winograd.
const std::vector<GemmShape> products = {
    {"sgemm 1024^3", false, false, 1024, 1024, 1024},
    {"tutorial 5 dW tile (36/step)", true, false, 64, 128, 9216},
    {"tutorial 10 dW tile (36/step)", true, false, 128, 512, 576},
    {"tutorial 15 dW tile (36/step)", true, false, 512, 128, 576},
    {"compact 7 dW tile (36/step)", true, false, 64, 64, 2304},
    {"compact 14 dW tile (36/step)", true, false, 128, 128, 576},
    {"compact 21 dW tile (36/step)", true, false, 256, 256, 256},
    {"tutorial 0 dW (im2col)", true, false, 9, 64, 147456},
    {"tutorial Dense 1152>256 fwd", false, false, 64, 256, 1152},
    {"tutorial Dense 1152>256 dW", true, false, 1152, 256, 64},
    {"tutorial Dense 1152>256 dX", false, true, 64, 1152, 256},
    {"tutorial 5 im2col fwd", true, true, 128, 36864, 1600},
    {"tutorial 10 im2col fwd", true, true, 512, 9216, 1152},
    {"tutorial 15 im2col fwd", true, true, 128, 2304, 12800},
    {"compact 7 im2col fwd", true, true, 64, 36864, 576},
    {"compact 21 im2col fwd", true, true, 256, 2304, 2304},
};

const GemmLibrary libraries[] = {GemmLibrary::emoscope, GemmLibrary::openblas, GemmLibrary::blis, GemmLibrary::onednn};
const ConvVariant variants[] = {ConvVariant::blocked, ConvVariant::blockedWithReorders, ConvVariant::nhwc,
                                ConvVariant::winograd};

std::string cell(double flops, double seconds, double peak) {
    if (!(seconds > 0)) return "-";
    char text[64];
    std::snprintf(text, sizeof text, "%.2f ms %s", seconds * 1e3, rate(flops, seconds, peak).c_str());
    return text;
}

std::string firstLine(const char *path) {
    std::ifstream file(path);
    std::string line;
    std::getline(file, line);
    return line;
}

void usage() {
    std::puts("bench-kernels [--threads 1,2] [--only gemm|conv|sgemm] [--network tutorial|compact] [--layer N] [--blis skx|zen3|...]\n              [--emoscope FILE]...\n"
              "  FILE: the output of `emoscope bench inference --layers --arch A --threads T`, for Emoscope's column.");
}

}  // namespace

int main(int argc, char **argv) try {
    std::vector<int> threadCounts{1, 2};
    std::string only, network;
    int layer = -1;
    EmoscopeLayers emoscope;
    for (int i = 1; i < argc; i++) {
        const std::string arg = argv[i];
        if (arg == "--threads" && i + 1 < argc) {
            threadCounts.clear();
            for (char *p = argv[++i]; *p;) {
                threadCounts.push_back((int)std::strtol(p, &p, 10));
                if (*p == ',') p++;
                else if (*p) throw std::runtime_error("--threads wants numbers like 1,2");
            }
        } else if (arg == "--only" && i + 1 < argc) only = argv[++i];
        else if (arg == "--emoscope" && i + 1 < argc) emoscope.read(argv[++i]);
        else if (arg == "--network" && i + 1 < argc) network = argv[++i];
        else if (arg == "--layer" && i + 1 < argc) layer = std::atoi(argv[++i]);
        else if (arg == "--blis" && i + 1 < argc) blisChooseConfiguration(argv[++i]);
        else { usage(); return arg == "--help" ? 0 : 2; }
    }
    std::printf("machine: %s\n", firstLine("/proc/loadavg").insert(0, "load average ").c_str());
    std::printf("libraries: %s\n", gemmLibraryVersions().c_str());
    std::vector<double> peaks;
    for (int t : threadCounts) {
        peaks.push_back(fmaPeak(t));
        std::printf("512-bit FMA loop on %d thread%s: %.0f GFLOP/s (the %% below are of this)\n", t, t > 1 ? "s" : "",
                    peaks.back());
    }
    std::printf("cells: median ms, GFLOP/s (%% of the FMA peak); convolutions count direct-convolution FLOPs\n");

    if (only.empty() || only == "gemm" || only == "sgemm") {
        std::printf("\nagreement with OpenBLAS (max |diff| / max |C|, tutorial 10 dW tile):");
        for (auto library : libraries)
            if (library != GemmLibrary::openblas)
                std::printf(" %s %.1e;", name(library), gemmDisagreement(library, products[2]));
        std::printf("\n%-32s %3s", "product (m x n x k)", "thr");
        for (auto library : libraries) std::printf(" | %-22s", name(library));
        std::printf(" | FMA loop now\n");
        for (const auto &shape : products) {
            if (only == "sgemm" && &shape != &products[0]) break;
            for (size_t ti = 0; ti < threadCounts.size(); ti++) {
                char label[96];
                std::snprintf(label, sizeof label, "%s %dx%dx%d", shape.name.c_str(), shape.m, shape.n, shape.k);
                std::printf("%-32.60s %3d", label, threadCounts[ti]);
                for (auto library : libraries)
                    std::printf(" | %-22s", cell(shape.flops(), timeGemm(library, shape, threadCounts[ti]), peaks[ti]).c_str());
                std::printf(" | %.0f\n", fmaPeak(threadCounts[ti], 4'000'000));
                std::fflush(stdout);
            }
        }
    }
    if (only.empty() || only == "conv") {
        std::printf("\noneDNN's forward against a double-precision loop (max |diff| / max |y|, compact 14): %.1e\n",
                    convolutionDisagreement(convolutions[8]));
        std::printf("%-40s %3s %-9s | %-22s", "convolution (HxWxC > F, k)", "thr", "pass", "Emoscope");
        for (auto variant : variants) std::printf(" | %-22s", name(variant));
        std::printf("\n");
        for (const auto &shape : convolutions)
            if ((network.empty() || network == shape.network) && (layer < 0 || layer == shape.layer))
            for (int batch : {1, 64})
                for (size_t ti = 0; ti < threadCounts.size(); ti++) {
                    const int threads = threadCounts[ti];
                    std::vector<ConvTimes> times;
                    for (auto variant : variants) times.push_back(timeOneDNNConvolution(shape, batch, variant, threads));
                    const LayerTimes *own = emoscope.find(shape.network, threads, batch, shape.layer);
                    char label[96];
                    std::snprintf(label, sizeof label, "%s %d, b%d: %dx%dx%d > %d, %dx%d", shape.network.c_str(),
                                  shape.layer, batch, shape.height, shape.width, shape.channels, shape.filters,
                                  shape.kernel, shape.kernel);
                    const double forward = shape.flops(batch), backward = (shape.first ? 1 : 2) * forward;
                    const struct { const char *pass; double flops; double LayerTimes::*mine; double ConvTimes::*theirs; }
                    passes[] = {{"inference", forward, &LayerTimes::inference, &ConvTimes::inference},
                                {"train fwd", forward, &LayerTimes::trainingForward, &ConvTimes::trainingForward},
                                {"backward", backward, &LayerTimes::backward, &ConvTimes::backward}};
                    for (const auto &p : passes) {
                        std::printf("%-40s %3d %-9s | %-22s", label, threads, p.pass,
                                    cell(p.flops, own ? own->*p.mine : 0, peaks[ti]).c_str());
                        for (const auto &t : times) std::printf(" | %-22s", cell(p.flops, t.*p.theirs, peaks[ti]).c_str());
                        std::printf("\n");
                    }
                    std::printf("%-40s     FMA loop now %.0f GFLOP/s; oneDNN ran (training forward, [dX,] dW): %s | "
                                "NHWC %s | Winograd %s\n", "", fmaPeak(threads, 4'000'000), times[0].implementation.c_str(), times[2].implementation.c_str(),
                                times[3].implementation.c_str());
                    std::fflush(stdout);
                }
    }
    std::printf("\n%s\n", firstLine("/proc/loadavg").insert(0, "load average at the end ").c_str());
    return 0;
} catch (const std::exception &e) {
    std::fprintf(stderr, "bench-kernels: %s\n", e.what());
    return 1;
}
