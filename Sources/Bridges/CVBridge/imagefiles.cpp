// Implementation of imagefiles.hpp.
#include "imagefiles.hpp"
#include "cvbridge.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace cvb_files {

const char *fileKind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a named pipe (FIFO)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

// Reads a whole file, so that "missing", "unreadable" and "empty" get their own messages before decoding.
// Opened without blocking and refused unless it is a regular file of at most CVB_MAX_IMAGE_FILE_BYTES: a named
// pipe would block for ever, a device never ends, and a sparse file can claim gigabytes.
bool readFile(const char *path, std::vector<uint8_t> &bytes, std::string &problem) {
    if (path == nullptr) { problem = "no path given"; return false; }
    int descriptor = ::open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (descriptor < 0) {
        problem = std::string("cannot open image ") + path + ": " + std::strerror(errno);
        return false;
    }
    struct stat info {};
    if (fstat(descriptor, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(descriptor);
        problem = std::string("cannot read image ") + path + ": it is " + fileKind(info.st_mode) + ", not a regular file";
        return false;
    }
    if (info.st_size > CVB_MAX_IMAGE_FILE_BYTES) {
        ::close(descriptor);
        problem = std::string("cannot read image ") + path + ": it is " + std::to_string(info.st_size) +
                  " bytes, more than the " + std::to_string(CVB_MAX_IMAGE_FILE_BYTES >> 20) + " MB an image file may have";
        return false;
    }
    bytes.resize(static_cast<size_t>(info.st_size));
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t got = ::read(descriptor, bytes.data() + done, bytes.size() - done);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        done += static_cast<size_t>(got);
    }
    ::close(descriptor);
    if (done != bytes.size()) {
        problem = std::string("cannot read image ") + path + ": read error";
        return false;
    }
    if (bytes.empty()) {
        problem = std::string("cannot decode image ") + path + ": the file is empty";
        return false;
    }
    return true;
}

// Refuses an image whose header declares more than CVB_MAX_IMAGE_PIXELS, before the decoder allocates:
// a few hundred kilobytes of PNG can declare 30000x30000 pixels.
bool checkPixelCount(const std::vector<uint8_t> &bytes, const std::string &name, std::string &problem) {
    int64_t width = 0, height = 0;
    if (!cvb_image_dimensions(bytes.data(), bytes.size(), &width, &height)) return true;
    // An empty size is left to the decoder, which refuses it with its own message.
    if (width <= 0 || height <= 0 || width <= CVB_MAX_IMAGE_PIXELS / height) return true;
    problem = "cannot decode image " + name + ": it declares " + std::to_string(width) + "x" + std::to_string(height) +
              " pixels, more than the " + std::to_string(CVB_MAX_IMAGE_PIXELS / 1000000) + " megapixels Emoscope decodes";
    return false;
}

} // namespace cvb_files
