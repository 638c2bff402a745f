// Reading image files for cvbridge.cpp: only regular files, within the size and pixel limits of cvbridge.h.
#pragma once
#include <cstdint>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace cvb_files {
/// "a named pipe (FIFO)", "a directory", ... for messages.
const char *fileKind(mode_t mode);
/// The whole file; false with `problem` set (naming the file) when it cannot or must not be read.
bool readFile(const char *path, std::vector<uint8_t> &bytes, std::string &problem);
/// False with `problem` set when the image's header declares more than CVB_MAX_IMAGE_PIXELS.
bool checkPixelCount(const std::vector<uint8_t> &bytes, const std::string &name, std::string &problem);
}
