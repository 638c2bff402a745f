#include "conv.h"
#include "timing.h"
#include <cmath>
#include <dnnl.hpp>
#include <omp.h>
#include <functional>
#include <optional>
#include <random>
#include <unordered_map>

namespace bench {

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

const char *name(ConvVariant variant) {
    switch (variant) {
    case ConvVariant::blocked: return "oneDNN blocked";
    case ConvVariant::blockedWithReorders: return "oneDNN blocked+reorders";
    case ConvVariant::nhwc: return "oneDNN NHWC";
    case ConvVariant::winograd: return "oneDNN Winograd";
    }
    return "?";
}

namespace {

memory filled(const memory::desc &md, const engine &eng, std::mt19937 &random) {
    memory m(md, eng);
    std::uniform_real_distribution<float> uniform(-1, 1);
    auto *p = static_cast<float *>(m.get_data_handle());
    for (size_t i = 0; i < md.get_size() / sizeof(float); i++) p[i] = uniform(random);
    return m;
}

// A primitive with its arguments, the activations given in NHWC and converted where the primitive wants another layout.
struct Step {
    primitive body;
    std::unordered_map<int, memory> args;
    std::vector<std::pair<reorder, std::unordered_map<int, memory>>> before, after;
    void operator()(stream &s) {
        for (auto &[r, a] : before) r.execute(s, a);
        body.execute(s, args);
        for (auto &[r, a] : after) r.execute(s, a);
        s.wait();
    }
};

// Binds `wanted` (the primitive's layout) to argument `arg`; with `countReorders` the tensor comes from (or goes to)
// Emoscope's layout `plain` (NHWC, HWIO) through a reorder timed with the step, else its conversion is left out.
void attach(Step &step, int arg, const memory::desc &wanted, const memory::desc &plain, bool output,
          bool countReorders, const engine &eng, std::mt19937 &random) {
    memory inner = filled(wanted, eng, random);
    step.args[arg] = inner;
    if (!countReorders || wanted == plain) return;
    memory outer = filled(plain, eng, random);
    if (output) step.after.push_back({reorder(inner, outer), {{DNNL_ARG_FROM, inner}, {DNNL_ARG_TO, outer}}});
    else step.before.push_back({reorder(outer, inner), {{DNNL_ARG_FROM, outer}, {DNNL_ARG_TO, inner}}});
}

}  // namespace

ConvTimes timeOneDNNConvolution(const ConvShape &s, int batch, ConvVariant variant, int threads) {
    omp_set_num_threads(threads);
    engine eng(engine::kind::cpu, 0);
    stream strm(eng);
    std::mt19937 random(7);
    const int pad = (s.kernel - 1) / 2;
    const memory::dims src{batch, s.channels, s.height, s.width}, dst{batch, s.filters, s.height, s.width};
    const memory::dims wei{s.filters, s.channels, s.kernel, s.kernel}, bia{s.filters};
    const memory::dims strides{1, 1}, padding{pad, pad};
    const bool plain = variant == ConvVariant::nhwc;
    const tag act = plain ? tag::nhwc : tag::any;
    const memory::desc srcMD(src, dt::f32, act), dstMD(dst, dt::f32, act), weiMD(wei, dt::f32, tag::any);
    const memory::desc srcNHWC(src, dt::f32, tag::nhwc), dstNHWC(dst, dt::f32, tag::nhwc);
    const memory::desc weiHWIO(wei, dt::f32, tag::hwio);
    const memory::desc biaMD = s.bias ? memory::desc(bia, dt::f32, tag::x) : memory::desc();
    const algorithm algo = variant == ConvVariant::winograd ? algorithm::convolution_winograd
                                                            : algorithm::convolution_direct;
    const bool reorders = variant == ConvVariant::blockedWithReorders;
    ConvTimes times;
    try {
        for (prop_kind kind : {prop_kind::forward_inference, prop_kind::forward_training}) {
            convolution_forward::primitive_desc pd(
                convolution_forward::desc(kind, algo, srcMD, weiMD, biaMD, dstMD, strides, padding, padding), eng);
            times.implementation = pd.impl_info_str();
            Step step{convolution_forward(pd), {}, {}, {}};
            attach(step, DNNL_ARG_SRC, pd.src_desc(), srcNHWC, false, reorders, eng, random);
            // Weights change every training step; a layer prepared for inference would keep them in oneDNN's layout.
            attach(step, DNNL_ARG_WEIGHTS, pd.weights_desc(), weiHWIO, false,
                 reorders && kind == prop_kind::forward_training, eng, random);
            if (s.bias) step.args[DNNL_ARG_BIAS] = filled(pd.bias_desc(), eng, random);
            attach(step, DNNL_ARG_DST, pd.dst_desc(), dstNHWC, true, reorders, eng, random);
            const double t = median([&] { step(strm); });
            (kind == prop_kind::forward_inference ? times.inference : times.trainingForward) = t;
        }
        // The backward products need the forward's description as a hint.
        convolution_forward::primitive_desc hint(
            convolution_forward::desc(prop_kind::forward_training, algo, srcMD, weiMD, biaMD, dstMD, strides, padding,
                                      padding), eng);
        convolution_backward_weights::primitive_desc wpd(
            convolution_backward_weights::desc(algo, srcMD, weiMD, biaMD, dstMD, strides, padding, padding), eng, hint);
        Step weights{convolution_backward_weights(wpd), {}, {}, {}};
        // The forward's input, already in oneDNN's layout; dY is converted once for both gradients.
        attach(weights, DNNL_ARG_SRC, wpd.src_desc(), srcNHWC, false, false, eng, random);
        attach(weights, DNNL_ARG_DIFF_DST, wpd.diff_dst_desc(), dstNHWC, false, reorders, eng, random);
        attach(weights, DNNL_ARG_DIFF_WEIGHTS, wpd.diff_weights_desc(), weiHWIO, true, reorders, eng, random);
        if (s.bias) weights.args[DNNL_ARG_DIFF_BIAS] = filled(wpd.diff_bias_desc(), eng, random);
        std::function<void()> backward = [&] { weights(strm); };
        std::optional<Step> data;
        if (!s.first) {
            convolution_backward_data::primitive_desc dpd(
                convolution_backward_data::desc(algo, srcMD, weiMD, dstMD, strides, padding, padding), eng, hint);
            data = Step{convolution_backward_data(dpd), {}, {}, {}};
            attach(*data, DNNL_ARG_DIFF_DST, dpd.diff_dst_desc(), dstNHWC, false, false, eng, random);
            attach(*data, DNNL_ARG_WEIGHTS, dpd.weights_desc(), weiHWIO, false, reorders, eng, random);
            attach(*data, DNNL_ARG_DIFF_SRC, dpd.diff_src_desc(), srcNHWC, true, reorders, eng, random);
            backward = [&] { weights(strm); (*data)(strm); };
            times.implementation += std::string(", ") + dpd.impl_info_str();
        }
        times.implementation += std::string(", ") + wpd.impl_info_str();
        times.backward = median(backward);
    } catch (const dnnl::error &e) {
        // This variant does not exist for the shape (oneDNN's Winograd takes 3x3 kernels only).
        if (times.implementation.empty()) times.implementation = "unavailable";
    }
    return times;
}

double convolutionDisagreement(const ConvShape &s) {
    const int batch = 2;
    engine eng(engine::kind::cpu, 0);
    stream strm(eng);
    std::mt19937 random(11);
    const int pad = (s.kernel - 1) / 2, h = s.height, w = s.width, c = s.channels, f = s.filters, k = s.kernel;
    const memory::desc srcMD({batch, c, h, w}, dt::f32, tag::nhwc), dstMD({batch, f, h, w}, dt::f32, tag::nhwc);
    // Keras's kernel layout [kh, kw, in, out] is oneDNN's hwio.
    const memory::desc weiMD({f, c, k, k}, dt::f32, tag::hwio);
    convolution_forward::primitive_desc pd(
        convolution_forward::desc(prop_kind::forward_inference, algorithm::convolution_direct, srcMD, weiMD,
                                  memory::desc(), dstMD, {1, 1}, {pad, pad}, {pad, pad}), eng);
    memory x = filled(srcMD, eng, random), kernel = filled(weiMD, eng, random), y(dstMD, eng);
    convolution_forward(pd).execute(strm, {{DNNL_ARG_SRC, x}, {DNNL_ARG_WEIGHTS, kernel}, {DNNL_ARG_DST, y}});
    strm.wait();
    const float *xp = static_cast<float *>(x.get_data_handle()), *kp = static_cast<float *>(kernel.get_data_handle());
    const float *yp = static_cast<float *>(y.get_data_handle());
    double largest = 0, worst = 0;
    for (int n = 0; n < batch; n++)
        for (int oy = 0; oy < h; oy++)
            for (int ox = 0; ox < w; ox++)
                for (int o = 0; o < f; o++) {
                    double sum = 0;
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++) {
                            const int iy = oy + ky - pad, ix = ox + kx - pad;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                            for (int i = 0; i < c; i++)
                                sum += (double)xp[((n * h + iy) * w + ix) * c + i] * kp[((ky * k + kx) * c + i) * f + o];
                        }
                    const double got = yp[((n * h + oy) * w + ox) * f + o];
                    largest = std::max(largest, std::fabs(sum));
                    worst = std::max(worst, std::fabs(sum - got));
                }
    return worst / largest;
}

}  // namespace bench
