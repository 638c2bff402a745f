// Implementation of cvbridge.h: the only file that speaks C++ to OpenCV.
// Every entry point catches every exception; failures leave a message naming the file or device
// and the problem in a thread-local string, so callers on different threads never see each other's errors.
#include "cvbridge.h"
#include "bridgeerror.hpp"
#include "imagefiles.hpp"

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <opencv2/videoio.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <fcntl.h>
#include <new>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

using cvb_files::checkPixelCount;
using cvb_files::fileKind;
using cvb_files::readFile;

thread_local std::string lastError;

int fail(const std::string &message) {
    lastError = message;
    return -1;
}

template <typename T> T *failNull(const std::string &message) {
    lastError = message;
    return nullptr;
}

std::string describe(const std::exception &error) {
    // cv::Exception's what() spans lines and repeats the source location; keep its message only, in words
    // for the checks a user can meet (OpenCV states them as the failed assertion).
    if (auto cvError = dynamic_cast<const cv::Exception *>(&error)) {
        const std::string &message = cvError->err;
        if (message.find("CV_IO_MAX_IMAGE") != std::string::npos) return "the image is larger than OpenCV decodes";
        if (message.find("checkVector") != std::string::npos) return "the file holds no image data";
        if (message.find("Insufficient memory") != std::string::npos || message.find("Failed to allocate") != std::string::npos)
            return "not enough memory to decode the image";
        return message;
    }
    if (dynamic_cast<const std::bad_alloc *>(&error)) return "not enough memory to decode the image";
    return error.what();
}

// Runs `body`, turning any exception into the error code `failure` with `context` in the message.
template <typename R, typename F> R guarded(R failure, const std::string &context, F body) {
    try {
        return body();
    } catch (const std::exception &error) {
        lastError = context + ": " + describe(error);
    } catch (...) {
        lastError = context + ": unknown error";
    }
    return failure;
}

// OpenCV's warnings (V4L2 probing, codec chatter, "imdecode_: can't read header" for every damaged image)
// are noise next to our own messages, which name the file; the user can
// still ask for them with OPENCV_LOG_LEVEL.
void quietOpenCVLogs() {
    static const bool done = [] {
        if (std::getenv("OPENCV_LOG_LEVEL") == nullptr)
            cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
        return true;
    }();
    (void)done;
}

// Brings any decoded depth to 8 bits (16-bit PNG/TIFF, float EXR/HDR).
cv::Mat to8Bit(const cv::Mat &image) {
    if (image.depth() == CV_8U) return image;
    cv::Mat converted;
    double scale = image.depth() == CV_16U ? 1.0 / 257.0 : (image.depth() == CV_32F || image.depth() == CV_64F ? 255.0 : 1.0);
    image.convertTo(converted, CV_8U, scale);
    return converted;
}

int copyOut(const cv::Mat &image, int32_t *width, int32_t *height, uint8_t **pixels) {
    cv::Mat continuous = image.isContinuous() ? image : image.clone();
    size_t bytes = continuous.total() * continuous.elemSize();
    auto *buffer = static_cast<uint8_t *>(std::malloc(bytes == 0 ? 1 : bytes));
    if (buffer == nullptr) return fail("out of memory for a decoded image");
    std::memcpy(buffer, continuous.data, bytes);
    *width = continuous.cols;
    *height = continuous.rows;
    *pixels = buffer;
    return 0;
}

int decodeGray(const std::vector<uint8_t> &bytes, const std::string &name, int32_t *width, int32_t *height,
               uint8_t **pixels) {
    std::string problem;
    if (!checkPixelCount(bytes, name, problem)) return fail(problem);
    cv::Mat image = cv::imdecode(bytes, cv::IMREAD_GRAYSCALE);
    if (image.empty())
        return fail("cannot decode image " + name + ": not a recognised image format or corrupt");
    return copyOut(to8Bit(image), width, height, pixels);
}

cv::Mat toBGRA(const cv::Mat &decoded) {
    cv::Mat image = to8Bit(decoded), bgra;
    switch (image.channels()) {
    case 1: cv::cvtColor(image, bgra, cv::COLOR_GRAY2BGRA); break;
    case 3: cv::cvtColor(image, bgra, cv::COLOR_BGR2BGRA); break;
    case 4: bgra = image; break;
    default: {
        // Gray + alpha and other odd layouts: take the first channel as gray.
        cv::Mat first;
        cv::extractChannel(image, first, 0);
        cv::cvtColor(first, bgra, cv::COLOR_GRAY2BGRA);
    }
    }
    return bgra;
}

// Wraps caller memory of 1, 3 or 4 channels without copying.
bool wrapPixels(const uint8_t *pixels, int32_t width, int32_t height, int32_t stride, int channels,
                cv::Mat &out, std::string &problem) {
    if (pixels == nullptr || width <= 0 || height <= 0) { problem = "empty image"; return false; }
    if (channels != 1 && channels != 3 && channels != 4) {
        problem = "unsupported channel count " + std::to_string(channels) + " (1, 3 or 4)";
        return false;
    }
    if (stride < width * channels) {
        problem = "row stride " + std::to_string(stride) + " is shorter than a row of " +
                  std::to_string(width) + " pixels";
        return false;
    }
    out = cv::Mat(height, width, CV_8UC(channels), const_cast<uint8_t *>(pixels), static_cast<size_t>(stride));
    return true;
}

// PNG wants BGR or BGRA order, which is what callers pass; gray goes through unchanged.
bool encodePNG(const uint8_t *pixels, int32_t width, int32_t height, int32_t stride, int channels,
               std::vector<uint8_t> &bytes, std::string &problem) {
    cv::Mat image;
    if (!wrapPixels(pixels, width, height, stride, channels, image, problem)) return false;
    if (!cv::imencode(".png", image, bytes)) { problem = "the PNG encoder refused the image"; return false; }
    return true;
}

bool exists(const std::string &path) {
    struct stat info {};
    return stat(path.c_str(), &info) == 0;
}

} // namespace

struct cvb_capture {
    cv::VideoCapture source;
    cv::Mat frame, bgra;
    bool isCamera = false;
    std::string name;
};

struct cvb_writer {
    cv::VideoWriter writer;
    cv::Mat bgr;
    int32_t width = 0, height = 0;
    std::string path;
};

struct cvb_cascade {
    cv::CascadeClassifier classifier;
    std::string path;
};

void cvb_errors::setLastError(const std::string &message) { lastError = message; }

extern "C" {

const char *cvb_last_error(void) { return lastError.c_str(); }

void cvb_free(void *pointer) { std::free(pointer); }

void cvb_set_num_threads(int count) {
    guarded(0, "cannot set OpenCV's thread count", [&] { cv::setNumThreads(count); return 0; });
}

// ---- Images ----------------------------------------------------------------------------------------

int cvb_decode_gray_file(const char *path, int32_t *width, int32_t *height, uint8_t **pixels) {
    std::string name = path ? path : "(null)";
    return guarded(-1, "cannot decode image " + name, [&] {
        quietOpenCVLogs();
        std::vector<uint8_t> bytes;
        std::string problem;
        if (!readFile(path, bytes, problem)) return fail(problem);
        return decodeGray(bytes, name, width, height, pixels);
    });
}

int cvb_decode_gray_memory(const uint8_t *bytes, size_t count, int32_t *width, int32_t *height,
                           uint8_t **pixels) {
    return guarded(-1, "cannot decode image in memory", [&] {
        quietOpenCVLogs();
        if (bytes == nullptr || count == 0) return fail("cannot decode image in memory: no bytes");
        std::vector<uint8_t> copy(bytes, bytes + count);
        return decodeGray(copy, "in memory", width, height, pixels);
    });
}

int cvb_decode_bgra_file(const char *path, int32_t *width, int32_t *height, uint8_t **pixels) {
    std::string name = path ? path : "(null)";
    return guarded(-1, "cannot decode image " + name, [&] {
        quietOpenCVLogs();
        std::vector<uint8_t> bytes;
        std::string problem;
        if (!readFile(path, bytes, problem)) return fail(problem);
        if (!checkPixelCount(bytes, name, problem)) return fail(problem);
        cv::Mat image = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
        if (image.empty())
            return fail("cannot decode image " + name + ": not a recognised image format or corrupt");
        return copyOut(toBGRA(image), width, height, pixels);
    });
}

int cvb_resize_gray(const uint8_t *src, int32_t width, int32_t height, uint8_t *dst, int32_t dstWidth,
                    int32_t dstHeight, int interpolation) {
    return guarded(-1, "cannot resize image", [&] {
        if (dst == nullptr || dstWidth <= 0 || dstHeight <= 0)
            return fail("cannot resize image: target size " + std::to_string(dstWidth) + "x" +
                        std::to_string(dstHeight) + " is empty");
        if (interpolation != CVB_INTER_AREA && interpolation != CVB_INTER_LINEAR)
            return fail("cannot resize image: unknown interpolation " + std::to_string(interpolation));
        cv::Mat source;
        std::string problem;
        if (!wrapPixels(src, width, height, width, 1, source, problem)) return fail("cannot resize image: " + problem);
        cv::Mat target(dstHeight, dstWidth, CV_8UC1, dst);
        cv::resize(source, target, target.size(), 0, 0, interpolation);
        // resize writes into `target` in place because size and type already match.
        return target.data == dst ? 0 : fail("cannot resize image: OpenCV reallocated the output");
    });
}

int cvb_equalize_gray(const uint8_t *src, int32_t width, int32_t height, uint8_t *dst) {
    return guarded(-1, "cannot equalise image", [&] {
        cv::Mat source;
        std::string problem;
        if (!wrapPixels(src, width, height, width, 1, source, problem) || dst == nullptr)
            return fail("cannot equalise image: " + (problem.empty() ? std::string("no output buffer") : problem));
        cv::Mat target(height, width, CV_8UC1, dst);
        cv::equalizeHist(source, target);
        return target.data == dst ? 0 : fail("cannot equalise image: OpenCV reallocated the output");
    });
}

int cvb_clahe_gray(const uint8_t *src, int32_t width, int32_t height, double clipLimit, int32_t tiles, uint8_t *dst) {
    return guarded(-1, "cannot equalise image locally", [&] {
        cv::Mat source;
        std::string problem;
        if (!wrapPixels(src, width, height, width, 1, source, problem) || dst == nullptr)
            return fail("cannot equalise image locally: " + (problem.empty() ? std::string("no output buffer") : problem));
        if (tiles < 1 || tiles > width || tiles > height || !(clipLimit > 0))
            return fail("cannot equalise image locally: " + std::to_string(tiles) + " tiles a side, clip limit " +
                        std::to_string(clipLimit) + " on " + std::to_string(width) + "x" + std::to_string(height));
        cv::Mat target(height, width, CV_8UC1, dst);
        cv::createCLAHE(clipLimit, cv::Size(tiles, tiles))->apply(source, target);
        return target.data == dst ? 0 : fail("cannot equalise image locally: OpenCV reallocated the output");
    });
}

int cvb_bgra_to_gray(const uint8_t *bgra, int32_t width, int32_t height, int32_t stride, uint8_t *dst) {
    return guarded(-1, "cannot convert BGRA to gray", [&] {
        cv::Mat source;
        std::string problem;
        if (!wrapPixels(bgra, width, height, stride, 4, source, problem) || dst == nullptr)
            return fail("cannot convert BGRA to gray: " + (problem.empty() ? std::string("no output buffer") : problem));
        cv::Mat target(height, width, CV_8UC1, dst);
        cv::cvtColor(source, target, cv::COLOR_BGRA2GRAY);
        return target.data == dst ? 0 : fail("cannot convert BGRA to gray: OpenCV reallocated the output");
    });
}

int cvb_write_png(const char *path, const uint8_t *pixels, int32_t width, int32_t height, int32_t stride,
                  int channels) {
    std::string name = path ? path : "(null)";
    return guarded(-1, "cannot write PNG " + name, [&] {
        std::vector<uint8_t> bytes;
        std::string problem;
        if (!encodePNG(pixels, width, height, stride, channels, bytes, problem))
            return fail("cannot write PNG " + name + ": " + problem);
        FILE *file = path ? std::fopen(path, "wb") : nullptr;
        if (file == nullptr) return fail("cannot write PNG " + name + ": " + std::strerror(errno));
        size_t written = std::fwrite(bytes.data(), 1, bytes.size(), file);
        int closed = std::fclose(file);
        if (written != bytes.size() || closed != 0)
            return fail("cannot write PNG " + name + ": " + std::strerror(errno));
        return 0;
    });
}

int cvb_encode_png(const uint8_t *pixels, int32_t width, int32_t height, int32_t stride, int channels,
                   uint8_t **bytes, size_t *count) {
    return guarded(-1, "cannot encode PNG", [&] {
        std::vector<uint8_t> encoded;
        std::string problem;
        if (!encodePNG(pixels, width, height, stride, channels, encoded, problem))
            return fail("cannot encode PNG: " + problem);
        auto *buffer = static_cast<uint8_t *>(std::malloc(encoded.size()));
        if (buffer == nullptr) return fail("cannot encode PNG: out of memory");
        std::memcpy(buffer, encoded.data(), encoded.size());
        *bytes = buffer;
        *count = encoded.size();
        return 0;
    });
}

// ---- Video sources -----------------------------------------------------------------------------------

cvb_capture *cvb_capture_open_camera(int index, int32_t wantWidth, int32_t wantHeight) {
    std::string name = "camera " + std::to_string(index);
    return guarded<cvb_capture *>(nullptr, "cannot open " + name, [&]() -> cvb_capture * {
        quietOpenCVLogs();
        std::string device = "/dev/video" + std::to_string(index);
        if (!exists(device)) return failNull<cvb_capture>("cannot open " + name + ": " + device + " does not exist");
        auto capture = new cvb_capture();
        capture->isCamera = true;
        capture->name = name + " (" + device + ")";
        if (!capture->source.open(index, cv::CAP_V4L2)) {
            delete capture;
            return failNull<cvb_capture>("cannot open " + name + ": " + device +
                                         " exists but does not deliver video (busy, no permission, or not a camera)");
        }
        if (wantWidth > 0) capture->source.set(cv::CAP_PROP_FRAME_WIDTH, wantWidth);
        if (wantHeight > 0) capture->source.set(cv::CAP_PROP_FRAME_HEIGHT, wantHeight);
        return capture;
    });
}

cvb_capture *cvb_capture_open_file(const char *path) {
    std::string name = path ? path : "(null)";
    return guarded<cvb_capture *>(nullptr, "cannot open video " + name, [&]() -> cvb_capture * {
        quietOpenCVLogs();
        // Image-sequence patterns such as frame%03d.png name no single file, so only plain names are checked.
        if (name.find('%') == std::string::npos) {
            struct stat info {};
            if (stat(name.c_str(), &info) != 0)
                return failNull<cvb_capture>("cannot open video " + name + ": " + std::strerror(errno));
            // A named pipe would keep the decoder waiting for ever; a camera is opened by index, not here.
            if (!S_ISREG(info.st_mode))
                return failNull<cvb_capture>("cannot open video " + name + ": it is " + fileKind(info.st_mode) +
                                             ", not a regular file");
        }
        auto capture = new cvb_capture();
        capture->name = name;
        if (!capture->source.open(name, cv::CAP_ANY)) {
            delete capture;
            return failNull<cvb_capture>("cannot open video " + name + ": not a video format OpenCV can read");
        }
        return capture;
    });
}

int cvb_capture_read_bgra(cvb_capture *capture, const uint8_t **pixels, int32_t *width, int32_t *height,
                          int32_t *stride) {
    if (capture == nullptr) return fail("cannot read a frame: no capture");
    return guarded(-1, "cannot read a frame from " + capture->name, [&] {
        if (!capture->source.read(capture->frame) || capture->frame.empty()) {
            if (!capture->isCamera) return 0;
            return fail(capture->name + " stopped delivering frames (unplugged or taken by another program?)");
        }
        capture->bgra = toBGRA(capture->frame);
        if (!capture->bgra.isContinuous()) capture->bgra = capture->bgra.clone();
        *pixels = capture->bgra.data;
        *width = capture->bgra.cols;
        *height = capture->bgra.rows;
        *stride = static_cast<int32_t>(capture->bgra.step[0]);
        return 1;
    });
}

double cvb_capture_fps(cvb_capture *capture) {
    if (capture == nullptr) return 0;
    return guarded(0.0, "cannot read the frame rate", [&] {
        double fps = capture->source.get(cv::CAP_PROP_FPS);
        return fps > 0 && fps < 1000 ? fps : 0.0;
    });
}

double cvb_capture_frame_count(cvb_capture *capture) {
    if (capture == nullptr) return 0;
    return guarded(0.0, "cannot read the frame count", [&] {
        double count = capture->source.get(cv::CAP_PROP_FRAME_COUNT);
        return count > 0 && count < 1e9 ? count : 0.0;
    });
}

void cvb_capture_close(cvb_capture *capture) {
    guarded(0, "cannot close a capture", [&] { delete capture; return 0; });
}

cvb_writer *cvb_writer_open(const char *path, int32_t width, int32_t height, double fps) {
    std::string name = path ? path : "(null)";
    return guarded<cvb_writer *>(nullptr, "cannot write video " + name, [&]() -> cvb_writer * {
        quietOpenCVLogs();
        if (width <= 0 || height <= 0 || fps <= 0)
            return failNull<cvb_writer>("cannot write video " + name + ": size and frame rate must be positive");
        auto writer = new cvb_writer();
        writer->width = width;
        writer->height = height;
        writer->path = name;
        int fourcc = cv::VideoWriter::fourcc('M', 'J', 'P', 'G');
        if (!writer->writer.open(name, fourcc, fps, cv::Size(width, height), true)) {
            delete writer;
            return failNull<cvb_writer>("cannot write video " + name +
                                        ": OpenCV could not open an MJPG writer (folder missing or not writable?)");
        }
        return writer;
    });
}

int cvb_writer_write_bgra(cvb_writer *writer, const uint8_t *bgra, int32_t stride) {
    if (writer == nullptr) return fail("cannot write a video frame: no writer");
    return guarded(-1, "cannot write a frame to " + writer->path, [&] {
        cv::Mat frame;
        std::string problem;
        if (!wrapPixels(bgra, writer->width, writer->height, stride, 4, frame, problem))
            return fail("cannot write a frame to " + writer->path + ": " + problem);
        cv::cvtColor(frame, writer->bgr, cv::COLOR_BGRA2BGR);
        writer->writer.write(writer->bgr);
        return 0;
    });
}

void cvb_writer_close(cvb_writer *writer) {
    guarded(0, "cannot close a video writer", [&] {
        if (writer) writer->writer.release();
        delete writer;
        return 0;
    });
}

// ---- Face detection -------------------------------------------------------------------------------

cvb_cascade *cvb_cascade_load(const char *path) {
    std::string name = path ? path : "(null)";
    return guarded<cvb_cascade *>(nullptr, "cannot load cascade " + name, [&]() -> cvb_cascade * {
        if (!exists(name)) return failNull<cvb_cascade>("cannot load cascade " + name + ": " + std::strerror(ENOENT));
        auto cascade = new cvb_cascade();
        cascade->path = name;
        if (!cascade->classifier.load(name) || cascade->classifier.empty()) {
            delete cascade;
            return failNull<cvb_cascade>("cannot load cascade " + name + ": not an OpenCV cascade XML file");
        }
        return cascade;
    });
}

int cvb_cascade_detect(cvb_cascade *cascade, const uint8_t *gray, int32_t width, int32_t height,
                       double scaleFactor, int minNeighbors, int32_t minSize, int32_t maxSize, cvb_rect *out,
                       int capacity) {
    if (cascade == nullptr) return fail("cannot detect faces: no cascade");
    return guarded(-1, "cannot detect faces with " + cascade->path, [&] {
        cv::Mat image;
        std::string problem;
        if (!wrapPixels(gray, width, height, width, 1, image, problem))
            return fail("cannot detect faces: " + problem);
        if (scaleFactor <= 1.0) return fail("cannot detect faces: scale factor must be above 1");
        std::vector<cv::Rect> faces;
        cascade->classifier.detectMultiScale(image, faces, scaleFactor, minNeighbors, 0,
                                             cv::Size(minSize, minSize), cv::Size(maxSize, maxSize));
        for (size_t i = 0; i < faces.size() && out != nullptr && static_cast<int>(i) < capacity; i++)
            out[i] = cvb_rect{faces[i].x, faces[i].y, faces[i].width, faces[i].height};
        return static_cast<int>(faces.size());
    });
}

void cvb_cascade_free(cvb_cascade *cascade) {
    guarded(0, "cannot free a cascade", [&] { delete cascade; return 0; });
}

} // extern "C"
