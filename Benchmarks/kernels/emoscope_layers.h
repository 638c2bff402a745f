// Emoscope's own per-layer times, read from `emoscope bench inference --layers` output.
#pragma once
#include <map>
#include <string>
#include <tuple>

namespace bench {

struct LayerTimes {
    double inference = 0, trainingForward = 0, backward = 0;  // seconds
};

// Keyed by network, threads, batch and layer index.
using LayerKey = std::tuple<std::string, int, int, int>;

class EmoscopeLayers {
public:
    // Adds the layer rows of one `bench inference --layers` output; throws naming the file when it has none.
    void read(const std::string &path);
    const LayerTimes *find(const std::string &network, int threads, int batch, int layer) const;
    bool empty() const { return times.empty(); }

private:
    std::map<LayerKey, LayerTimes> times;
};

}  // namespace bench
