// A plain-C face over the few OpenCV calls Emoscope needs.
// Every C++ exception is caught at this border; a failing call returns NULL or a negative number
// and leaves a message in cvb_last_error() (thread-local, valid until the next call on that thread).
// Buffers returned through `uint8_t **` are allocated with malloc; release them with cvb_free.
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cvb_capture cvb_capture;
typedef struct cvb_cascade cvb_cascade;

typedef struct cvb_rect {
    int32_t x, y, width, height;
} cvb_rect;

/// Interpolation choices for cvb_resize_gray (the OpenCV constants they stand for).
enum { CVB_INTER_LINEAR = 1, CVB_INTER_AREA = 3 };

const char *cvb_last_error(void);
void cvb_free(void *pointer);
/// Sets how many threads OpenCV's own parallel loops use (0 = none, i.e. run on the calling thread).
void cvb_set_num_threads(int count);

// ---- Images ----------------------------------------------------------------------------------
/// The most pixels an image may declare: 40 megapixels, above any camera's photo. Larger images are
/// refused from their header, before decoding, so that a small file cannot make the decoder allocate
/// gigabytes (the header is read for PNG, JPEG, BMP, WebP, PNM, Sun raster, TIFF and Radiance HDR; other
/// formats, such as OpenEXR and JPEG 2000, keep OpenCV's own limit of 2^30 pixels).
#define CVB_MAX_IMAGE_PIXELS 40000000LL
/// The largest image file read, in bytes.
#define CVB_MAX_IMAGE_FILE_BYTES 268435456LL
/// Width and height declared by an image's header, without decoding it. Returns 1 when the format was
/// recognised and its header read, 0 otherwise (unknown format, or a header cut short).
int cvb_image_dimensions(const uint8_t *bytes, size_t count, int64_t *width, int64_t *height);
/// Decodes any image file OpenCV reads to 8-bit gray. Returns 0, or -1 with cvb_last_error set.
int cvb_decode_gray_file(const char *path, int32_t *width, int32_t *height, uint8_t **pixels);
/// The same from bytes in memory.
int cvb_decode_gray_memory(const uint8_t *bytes, size_t count, int32_t *width, int32_t *height, uint8_t **pixels);
/// Decodes any image file to 8-bit BGRA (B,G,R,A in memory; alpha 255 when the file has none).
int cvb_decode_bgra_file(const char *path, int32_t *width, int32_t *height, uint8_t **pixels);
/// Resizes 8-bit gray `src` (row stride = width) into `dst` (dstWidth x dstHeight, caller-owned).
int cvb_resize_gray(const uint8_t *src, int32_t width, int32_t height,
                    uint8_t *dst, int32_t dstWidth, int32_t dstHeight, int interpolation);
/// Histogram equalisation of 8-bit gray `src` (row stride = width) into `dst` (same size, caller-owned;
/// may be `src`), as OpenCV's equalizeHist.
int cvb_equalize_gray(const uint8_t *src, int32_t width, int32_t height, uint8_t *dst);
/// Contrast-limited adaptive histogram equalisation (OpenCV's CLAHE) of 8-bit gray `src` (row stride =
/// width) into `dst` (same size, caller-owned): `tiles` x `tiles` regions, each histogram clipped at
/// `clipLimit` times its mean bin before equalising.
int cvb_clahe_gray(const uint8_t *src, int32_t width, int32_t height, double clipLimit, int32_t tiles, uint8_t *dst);
/// BGRA -> gray (caller-owned dst of width*height bytes); `stride` is the source row length in bytes.
int cvb_bgra_to_gray(const uint8_t *bgra, int32_t width, int32_t height, int32_t stride, uint8_t *dst);
/// Writes a PNG. `channels` is 1 (gray), 3 (BGR) or 4 (BGRA); `stride` is the row length in bytes.
int cvb_write_png(const char *path, const uint8_t *pixels, int32_t width, int32_t height,
                  int32_t stride, int channels);
/// Encodes a PNG into memory (*bytes freed with cvb_free).
int cvb_encode_png(const uint8_t *pixels, int32_t width, int32_t height, int32_t stride, int channels,
                   uint8_t **bytes, size_t *count);

// ---- Video sources -------------------------------------------------------------------------------
/// Opens camera `index` (V4L2). NULL when it cannot be opened.
cvb_capture *cvb_capture_open_camera(int index, int32_t wantWidth, int32_t wantHeight);
/// Opens a video file (or an image sequence pattern). NULL when it cannot be opened.
cvb_capture *cvb_capture_open_file(const char *path);
/// Reads the next frame as BGRA into an internal buffer owned by the capture (valid until the next read).
/// Returns 1 with a frame, 0 at the end of a file, -1 on error (e.g. the camera disappeared).
int cvb_capture_read_bgra(cvb_capture *capture, const uint8_t **pixels, int32_t *width, int32_t *height,
                          int32_t *stride);
/// Frames per second the source reports (0 when unknown).
double cvb_capture_fps(cvb_capture *capture);
/// Frames in a video file as its container reports them (0 when unknown, e.g. for a camera).
double cvb_capture_frame_count(cvb_capture *capture);
void cvb_capture_close(cvb_capture *capture);

/// Writes frames to an MJPG .avi (used to make test videos and a stand-in camera).
typedef struct cvb_writer cvb_writer;
cvb_writer *cvb_writer_open(const char *path, int32_t width, int32_t height, double fps);
int cvb_writer_write_bgra(cvb_writer *writer, const uint8_t *bgra, int32_t stride);
void cvb_writer_close(cvb_writer *writer);

// ---- Face detection ------------------------------------------------------------------------------
/// Loads a Haar cascade XML. NULL when the file is missing or not a cascade.
cvb_cascade *cvb_cascade_load(const char *path);
/// Detects faces in an 8-bit gray image (row stride = width). Writes at most `capacity` rects to `out`
/// and returns how many faces were found in all (may exceed capacity), or -1 on error.
int cvb_cascade_detect(cvb_cascade *cascade, const uint8_t *gray, int32_t width, int32_t height,
                       double scaleFactor, int minNeighbors, int32_t minSize, int32_t maxSize,
                       cvb_rect *out, int capacity);
void cvb_cascade_free(cvb_cascade *cascade);

// ---- Networks --------------------------------------------------------------------------------------
/// An ONNX model loaded by OpenCV's dnn module. Not safe for concurrent calls: one forward at a time.
typedef struct cvb_net cvb_net;
/// The most dimensions a network input or output may have here.
#define CVB_NET_MAX_DIMS 8
/// Reads an ONNX model from its bytes; `name` (the file's path) starts every message about it.
/// NULL with cvb_last_error set, in OpenCV's words, when it cannot be read (an unsupported operator is named).
cvb_net *cvb_net_read_onnx(const uint8_t *bytes, size_t count, const char *name);
/// Runs the network on a float32 tensor of shape `dims`. On success returns 0 with *output (freed with
/// cvb_free) holding *count values of the first output, whose shape goes to outputDims (room for
/// CVB_NET_MAX_DIMS); -1 with cvb_last_error set otherwise.
int cvb_net_forward(cvb_net *net, const float *input, const int32_t *dims, int32_t dimensionCount, float **output,
                    size_t *count, int32_t *outputDims, int32_t *outputDimensionCount);
void cvb_net_free(cvb_net *net);

#ifdef __cplusplus
}
#endif
