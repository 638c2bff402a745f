import CVBridge
import Foundation

/// An 8-bit BGRA picture (B, G, R, A bytes per pixel, no row padding): the layout of both OpenCV's BGRA
/// and SDL_PIXELFORMAT_ARGB8888 on little-endian machines, so frames and screenshots pass between them unchanged.
public struct BGRAImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 4,
                     "BGRAImage: \(pixels.count) bytes for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public init(width: Int, height: Int, fill: Color = Color(r: 0, g: 0, b: 0)) {
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        for i in stride(from: 0, to: pixels.count, by: 4) {
            pixels[i] = fill.b; pixels[i + 1] = fill.g; pixels[i + 2] = fill.r; pixels[i + 3] = fill.a
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// Gray shown as opaque gray.
    public init(gray: GrayImage) {
        var pixels = [UInt8](repeating: 255, count: gray.width * gray.height * 4)
        gray.pixels.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for i in 0..<src.count {
                    let v = src[i]
                    dst[4 * i] = v; dst[4 * i + 1] = v; dst[4 * i + 2] = v
                }
            }
        }
        self.init(width: gray.width, height: gray.height, pixels: pixels)
    }

    public subscript(x: Int, y: Int) -> Color {
        let i = (y * width + x) * 4
        return Color(r: pixels[i + 2], g: pixels[i + 1], b: pixels[i], a: pixels[i + 3])
    }

    /// Decodes any image file OpenCV reads, alpha 255 where the file has none.
    public init(contentsOf url: URL) throws {
        var w: Int32 = 0, h: Int32 = 0
        var data: UnsafeMutablePointer<UInt8>?
        guard cvb_decode_bgra_file(url.path, &w, &h, &data) == 0, let data else {
            throw ImageError.fromBridge(path: url.path, message: String(cString: cvb_last_error()))
        }
        defer { cvb_free(data) }
        self.init(width: Int(w), height: Int(h),
                  pixels: Array(UnsafeBufferPointer(start: data, count: Int(w) * Int(h) * 4)))
    }

    /// Copies rows of a BGRA buffer whose rows may be padded (`stride` bytes apart), as cameras deliver them.
    public init(copying source: UnsafePointer<UInt8>, width: Int, height: Int, stride: Int) {
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        pixels.withUnsafeMutableBufferPointer { dst in
            for y in 0..<height {
                (dst.baseAddress! + y * width * 4).update(from: source + y * stride, count: width * 4)
            }
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// The 8-bit gray version (OpenCV's BGR→gray weights), what detectors and classifiers take.
    public func gray() -> GrayImage {
        var out = [UInt8](repeating: 0, count: width * height)
        let ok = pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                cvb_bgra_to_gray(src.baseAddress, Int32(width), Int32(height), Int32(width * 4), dst.baseAddress) == 0
            }
        }
        if !ok { // The bridge only fails on bad arguments; compute it here rather than return garbage.
            for i in 0..<(width * height) {
                let b = Int(pixels[4 * i]), g = Int(pixels[4 * i + 1]), r = Int(pixels[4 * i + 2])
                out[i] = UInt8((b * 1868 + g * 9617 + r * 4899 + 8192) >> 14)
            }
        }
        return GrayImage(width: width, height: height, pixels: out)
    }

    /// Writes the image as a PNG file, atomically (`ImageFile.writePNG`).
    public func writePNG(to url: URL) throws {
        try ImageFile.writePNG(to: url, pixels: pixels, width: width, height: height, channels: 4)
    }
}
