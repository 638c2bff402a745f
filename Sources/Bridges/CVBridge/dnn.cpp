// cvbridge.h's networks: ONNX models run by OpenCV's dnn module. Every entry point catches every exception;
// failures name the model file and pass OpenCV's own words on (they name an unsupported operator).
#include "cvbridge.h"
#include "bridgeerror.hpp"

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/dnn.hpp>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <regex>
#include <string>
#include <vector>

struct cvb_net {
    cv::dnn::Net net;
    std::string name;
};

namespace {

// The ONNX importer wraps the message of the layer that failed in its own, with OpenCV's source locations
// and "> " line prefixes; keep the words, and say plainly when an operator is not supported.
std::string tidy(std::string message) {
    message = std::regex_replace(message, std::regex("OpenCV\\([^)]*\\) \\S+: error: \\([^)]*\\) "), "");
    message = std::regex_replace(message, std::regex(" in function '[^']*'"), "");
    message = std::regex_replace(message, std::regex("(^|\n)> ?"), " ");
    message = std::regex_replace(message, std::regex("\\s+"), " ");
    message = std::regex_replace(message, std::regex("^ | $"), "");
    std::smatch match;
    static const std::regex unsupported("Node \\[([^@\\]]+)@[^\\]]*\\]:\\(([^)]*)\\) parse error: Can't create layer \"[^\"]*\" of type \"([^\"]+)\"");
    if (std::regex_search(message, match, unsupported))
        return "operator " + match[3].str() + " (node " + match[2].str() + ") is not supported by OpenCV's dnn module";
    return message;
}

std::string describe(const std::exception &error) {
    if (auto cvError = dynamic_cast<const cv::Exception *>(&error)) return tidy(cvError->err);
    if (dynamic_cast<const std::bad_alloc *>(&error)) return "not enough memory";
    return error.what();
}

template <typename R, typename F> R guarded(R failure, const std::string &context, F body) {
    try {
        return body();
    } catch (const std::exception &error) {
        cvb_errors::setLastError(context + ": " + describe(error));
    } catch (...) {
        cvb_errors::setLastError(context + ": unknown error");
    }
    return failure;
}

// The ONNX importer logs each node it cannot parse before it throws; the exception says the same, and the
// caller reports it with the file's name, so the log is silenced while a model loads (unless asked for).
struct QuietLog {
    bool active = std::getenv("OPENCV_LOG_LEVEL") == nullptr;
    cv::utils::logging::LogLevel previous = cv::utils::logging::LOG_LEVEL_ERROR;
    QuietLog() {
        if (active) previous = cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    }
    ~QuietLog() {
        if (active) cv::utils::logging::setLogLevel(previous);
    }
};

} // namespace

cvb_net *cvb_net_read_onnx(const uint8_t *bytes, size_t count, const char *name) {
    std::string label = name ? name : "model";
    return guarded<cvb_net *>(nullptr, label, [&]() -> cvb_net * {
        QuietLog quiet;
        auto net = cv::dnn::readNetFromONNX(reinterpret_cast<const char *>(bytes), count);
        if (net.empty()) {
            cvb_errors::setLastError(label + ": OpenCV's dnn module read no layers from it");
            return nullptr;
        }
        net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        return new cvb_net{net, label};
    });
}

int cvb_net_forward(cvb_net *net, const float *input, const int32_t *dims, int32_t dimensionCount, float **output,
                    size_t *count, int32_t *outputDims, int32_t *outputDimensionCount) {
    if (net == nullptr || input == nullptr || dims == nullptr || dimensionCount < 1 || dimensionCount > CVB_NET_MAX_DIMS) {
        cvb_errors::setLastError("cvb_net_forward: invalid arguments");
        return -1;
    }
    return guarded(-1, net->name, [&] {
        std::vector<int> sizes(dims, dims + dimensionCount);
        // The Mat only borrows the caller's buffer for the call; setInput copies it.
        cv::Mat blob(dimensionCount, sizes.data(), CV_32F, const_cast<float *>(input));
        net->net.setInput(blob);
        cv::Mat result = net->net.forward();
        if (result.depth() != CV_32F) result.convertTo(result, CV_32F);
        if (!result.isContinuous()) result = result.clone();
        if (result.dims > CVB_NET_MAX_DIMS) {
            cvb_errors::setLastError(net->name + ": its output has " + std::to_string(result.dims) + " dimensions");
            return -1;
        }
        size_t total = result.total();
        auto *values = static_cast<float *>(std::malloc(total == 0 ? 1 : total * sizeof(float)));
        if (values == nullptr) throw std::bad_alloc();
        std::memcpy(values, result.ptr<float>(), total * sizeof(float));
        *output = values;
        *count = total;
        *outputDimensionCount = result.dims;
        for (int i = 0; i < result.dims; i++) outputDims[i] = result.size[i];
        return 0;
    });
}

void cvb_net_free(cvb_net *net) { delete net; }
