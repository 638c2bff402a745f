// The networks' convolutions by oneDNN's primitives.
#pragma once
#include <string>

namespace bench {

// One convolution layer of an Emoscope network: NHWC input height×width×channels, `filters` outputs, a square
// kernel, stride 1, `same` padding (as every convolution of the tutorial and compact networks).
struct ConvShape {
    std::string network;
    int layer;  // its index in `emoscope bench inference --layers`
    int height, width, channels, filters, kernel;
    bool bias;
    bool first;  // the network's first layer: no input gradient
    double flops(int batch) const { return 2.0 * batch * height * width * filters * kernel * kernel * channels; }
};

// How oneDNN is asked to run it: its preferred blocked layouts (the time of the primitive alone, and with the
// reorders from and to NHWC an NHWC network would need), plain NHWC, or its Winograd algorithm (blocked).
enum class ConvVariant { blocked, blockedWithReorders, nhwc, winograd };
const char *name(ConvVariant variant);

struct ConvTimes {
    double inference = 0, trainingForward = 0, backward = 0;  // seconds; 0: not available
    // What oneDNN chose for the training forward, the kernel gradient and the input gradient.
    std::string implementation;
};

ConvTimes timeOneDNNConvolution(const ConvShape &shape, int batch, ConvVariant variant, int threads);

// Largest difference between oneDNN's forward (NHWC) and a double-precision direct loop, relative to the largest output.
double convolutionDisagreement(const ConvShape &shape);

}  // namespace bench
