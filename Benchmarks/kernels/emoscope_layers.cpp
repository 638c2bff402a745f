#include "emoscope_layers.h"
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace bench {

void EmoscopeLayers::read(const std::string &path) {
    std::ifstream file(path);
    if (!file) throw std::runtime_error(path + ": cannot be read");
    std::string line, network;
    int threads = 0, batch = 0, rows = 0;
    while (std::getline(file, line)) {
        // "tutorial (input [48, 48, 1]): … GFLOP per image; 2 threads, 2 cores"
        if (network.empty() && line.find(" (input ") != std::string::npos) {
            network = line.substr(0, line.find(' '));
            const auto at = line.rfind("; ");
            if (at != std::string::npos) std::sscanf(line.c_str() + at, "; %d threads", &threads);
            continue;
        }
        int b;
        if (std::sscanf(line.c_str(), "batch %d: layer", &b) == 1 && line.find(": layer") != std::string::npos) {
            batch = b;
            continue;
        }
        // "5 Conv2D [24, 24, 128]      0.21        0.25        0.62"
        int layer;
        char kind[32];
        if (batch == 0 || std::sscanf(line.c_str(), "%d %31s", &layer, kind) != 2 || std::string(kind) != "Conv2D")
            continue;
        const auto close = line.find(']');
        double inference, forward, backward;
        if (close == std::string::npos ||
            std::sscanf(line.c_str() + close + 1, "%lf %lf %lf", &inference, &forward, &backward) != 3)
            throw std::runtime_error(path + ": unreadable layer row: " + line);
        times[{network, threads, batch, layer}] = {inference / 1e3, forward / 1e3, backward / 1e3};
        rows++;
    }
    if (network.empty() || threads == 0 || rows == 0)
        throw std::runtime_error(path + ": not the output of `emoscope bench inference --layers`");
}

const LayerTimes *EmoscopeLayers::find(const std::string &network, int threads, int batch, int layer) const {
    const auto it = times.find({network, threads, batch, layer});
    return it == times.end() ? nullptr : &it->second;
}

}  // namespace bench
