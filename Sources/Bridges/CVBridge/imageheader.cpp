// Reading the pixel size an image file declares, from its header alone, so that a decompression bomb is
// refused before a decoder allocates for it. Every read is bounds-checked: the bytes are untrusted.
#include "cvbridge.h"

#include <cstring>

namespace {

struct Reader {
    const uint8_t *bytes;
    size_t count;

    bool has(size_t offset, size_t length) const { return offset <= count && length <= count - offset; }
    uint32_t be16(size_t at) const { return (uint32_t(bytes[at]) << 8) | bytes[at + 1]; }
    uint32_t le16(size_t at) const { return bytes[at] | (uint32_t(bytes[at + 1]) << 8); }
    uint32_t be32(size_t at) const { return (be16(at) << 16) | be16(at + 2); }
    uint32_t le32(size_t at) const { return le16(at) | (le16(at + 2) << 16); }
    uint32_t le24(size_t at) const { return le16(at) | (uint32_t(bytes[at + 2]) << 16); }
    bool starts(size_t at, const char *text) const {
        size_t length = std::strlen(text);
        return has(at, length) && std::memcmp(bytes + at, text, length) == 0;
    }
};

bool png(const Reader &r, int64_t &w, int64_t &h) {
    if (!r.starts(0, "\x89PNG\r\n\x1a\n") || !r.starts(12, "IHDR") || !r.has(16, 8)) return false;
    w = r.be32(16);
    h = r.be32(20);
    return true;
}

// JPEG: walk the marker segments to the first start-of-frame (SOF0–SOF15 but DHT, JPG and DAC).
bool jpeg(const Reader &r, int64_t &w, int64_t &h) {
    if (!r.has(0, 3) || r.bytes[0] != 0xFF || r.bytes[1] != 0xD8) return false;
    size_t at = 2;
    while (r.has(at, 2)) {
        if (r.bytes[at] != 0xFF) return false;
        uint8_t marker = r.bytes[at + 1];
        if (marker == 0xFF) { at += 1; continue; }  // fill byte
        at += 2;
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD9)) continue;  // no length
        if (!r.has(at, 2)) return false;
        uint32_t length = r.be16(at);
        if (length < 2) return false;
        bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (frame) {
            if (!r.has(at, 7)) return false;
            h = r.be16(at + 3);
            w = r.be16(at + 5);
            return true;
        }
        at += length;
    }
    return false;
}

bool bmp(const Reader &r, int64_t &w, int64_t &h) {
    if (!r.starts(0, "BM") || !r.has(14, 4)) return false;
    uint32_t header = r.le32(14);
    if (header == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sizes
        if (!r.has(18, 4)) return false;
        w = r.le16(18);
        h = r.le16(20);
        return true;
    }
    if (!r.has(18, 8)) return false;
    w = int32_t(r.le32(18));
    h = int32_t(r.le32(22));
    if (w < 0) w = -w;
    if (h < 0) h = -h;  // top-down bitmaps store a negative height
    return true;
}

bool webp(const Reader &r, int64_t &w, int64_t &h) {
    if (!r.starts(0, "RIFF") || !r.starts(8, "WEBP")) return false;
    if (r.starts(12, "VP8X") && r.has(24, 6)) {
        w = int64_t(r.le24(24)) + 1;
        h = int64_t(r.le24(27)) + 1;
        return true;
    }
    if (r.starts(12, "VP8L") && r.has(21, 4)) {
        uint32_t bits = r.le32(21);
        w = int64_t(bits & 0x3FFF) + 1;
        h = int64_t((bits >> 14) & 0x3FFF) + 1;
        return true;
    }
    if (r.starts(12, "VP8 ") && r.has(26, 4)) {
        w = r.le16(26) & 0x3FFF;
        h = r.le16(28) & 0x3FFF;
        return true;
    }
    return false;
}

// PBM/PGM/PPM/PAM-style text headers: "P5", whitespace and comments, width, height.
bool pnm(const Reader &r, int64_t &w, int64_t &h) {
    if (!r.has(0, 2) || r.bytes[0] != 'P' || r.bytes[1] < '1' || r.bytes[1] > '6') return false;
    size_t at = 2;
    int64_t values[2] = {0, 0};
    for (int64_t &value : values) {
        while (r.has(at, 1) && (r.bytes[at] == ' ' || r.bytes[at] == '\t' || r.bytes[at] == '\r' || r.bytes[at] == '\n' || r.bytes[at] == '#')) {
            if (r.bytes[at] == '#') { while (r.has(at, 1) && r.bytes[at] != '\n') at++; }
            else at++;
        }
        int digits = 0;
        while (r.has(at, 1) && r.bytes[at] >= '0' && r.bytes[at] <= '9') {
            if (++digits > 12) return false;
            value = value * 10 + (r.bytes[at] - '0');
            at++;
        }
        if (digits == 0) return false;
    }
    w = values[0];
    h = values[1];
    return true;
}

bool sunRaster(const Reader &r, int64_t &w, int64_t &h) {
    if (!r.starts(0, "\x59\xA6\x6A\x95") || !r.has(4, 8)) return false;
    w = r.be32(4);
    h = r.be32(8);
    return true;
}

// TIFF: the first image file directory's ImageWidth (256) and ImageLength (257) tags.
bool tiff(const Reader &r, int64_t &w, int64_t &h) {
    bool little = r.starts(0, "II*");
    if (!little && !r.starts(0, "MM")) return false;
    auto u16 = [&](size_t at) { return little ? r.le16(at) : r.be16(at); };
    auto u32 = [&](size_t at) { return little ? r.le32(at) : r.be32(at); };
    if (!r.has(0, 8) || u16(2) != 42) return false;
    size_t directory = u32(4);
    if (!r.has(directory, 2)) return false;
    uint32_t entries = u16(directory);
    bool haveWidth = false, haveHeight = false;
    for (uint32_t i = 0; i < entries; i++) {
        size_t at = directory + 2 + size_t(i) * 12;
        if (!r.has(at, 12)) return false;
        uint32_t tag = u16(at), type = u16(at + 2);
        if (tag != 256 && tag != 257) continue;
        int64_t value = type == 3 ? int64_t(u16(at + 8)) : type == 4 ? int64_t(u32(at + 8)) : -1;
        if (value < 0) return false;
        if (tag == 256) { w = value; haveWidth = true; } else { h = value; haveHeight = true; }
    }
    return haveWidth && haveHeight;
}

// Radiance HDR: text lines up to an empty one, then "-Y height +X width" (or another axis order).
bool radiance(const Reader &r, int64_t &w, int64_t &h) {
    if (!r.starts(0, "#?")) return false;
    size_t at = 0;
    // The header ends with an empty line; the resolution line follows.
    while (r.has(at, 2) && !(r.bytes[at] == '\n' && r.bytes[at + 1] == '\n')) {
        if (at > 65536) return false;
        at++;
    }
    at += 2;
    int64_t values[2] = {0, 0};
    for (int64_t &value : values) {
        while (r.has(at, 1) && (r.bytes[at] == ' ' || r.bytes[at] == '-' || r.bytes[at] == '+' || r.bytes[at] == 'X' || r.bytes[at] == 'Y')) at++;
        int digits = 0;
        while (r.has(at, 1) && r.bytes[at] >= '0' && r.bytes[at] <= '9') {
            if (++digits > 12) return false;
            value = value * 10 + (r.bytes[at++] - '0');
        }
        if (digits == 0) return false;
    }
    h = values[0];
    w = values[1];
    return true;
}

} // namespace

extern "C" int cvb_image_dimensions(const uint8_t *bytes, size_t count, int64_t *width, int64_t *height) {
    if (bytes == nullptr || width == nullptr || height == nullptr) return 0;
    Reader reader{bytes, count};
    int64_t w = 0, h = 0;
    bool known = png(reader, w, h) || jpeg(reader, w, h) || bmp(reader, w, h) || webp(reader, w, h) ||
                 pnm(reader, w, h) || sunRaster(reader, w, h) || tiff(reader, w, h) || radiance(reader, w, h);
    if (!known) return 0;
    *width = w;
    *height = h;
    return 1;
}
