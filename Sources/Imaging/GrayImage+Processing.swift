import CVBridge
import Foundation

/// Decoding, converting, resizing, cropping and saving gray images through OpenCV (CVBridge).
extension GrayImage {
    /// How `resized` fills pixels: `area` averages (right for shrinking, as FER2013 faces were made),
    /// `linear` interpolates (right for enlarging, e.g. before face detection on tiny crops).
    public enum Interpolation: Sendable {
        case area, linear

        var bridgeValue: Int32 { self == .area ? Int32(CVB_INTER_AREA) : Int32(CVB_INTER_LINEAR) }
    }

    /// Decodes any image file OpenCV reads, of any size and colour, to 8-bit gray.
    public init(contentsOf url: URL) throws {
        let path = url.path
        var width: Int32 = 0, height: Int32 = 0
        var pixels: UnsafeMutablePointer<UInt8>?
        guard cvb_decode_gray_file(path, &width, &height, &pixels) == 0, let pixels else {
            throw ImageError.fromBridge(path: path, message: String(cString: cvb_last_error()))
        }
        defer { cvb_free(pixels) }
        let count = Int(width) * Int(height)
        self.init(width: Int(width), height: Int(height),
                  pixels: [UInt8](UnsafeBufferPointer(start: pixels, count: count)))
    }

    /// Decodes an encoded image (PNG, JPEG, ...) held in memory; `name` is used in errors.
    public init(decoding data: Data, name: String = "in memory") throws {
        var width: Int32 = 0, height: Int32 = 0
        var pixels: UnsafeMutablePointer<UInt8>?
        let status = data.withUnsafeBytes { raw in
            cvb_decode_gray_memory(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &width, &height, &pixels)
        }
        guard status == 0, let pixels else {
            let message = String(cString: cvb_last_error())
            throw ImageError(path: name, reason: message.components(separatedBy: ": ").dropFirst().joined(separator: ": "))
        }
        defer { cvb_free(pixels) }
        self.init(width: Int(width), height: Int(height),
                  pixels: [UInt8](UnsafeBufferPointer(start: pixels, count: Int(width) * Int(height))))
    }

    /// This image scaled to `width` x `height`. An empty image gives a black one of the new size.
    public func resized(width newWidth: Int, height newHeight: Int,
                        interpolation: Interpolation = .area) -> GrayImage {
        precondition(newWidth > 0 && newHeight > 0, "GrayImage.resized: empty target size")
        if newWidth == width && newHeight == height { return self }
        guard width > 0 && height > 0 else { return GrayImage(width: newWidth, height: newHeight) }
        var out = [UInt8](repeating: 0, count: newWidth * newHeight)
        let status = pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                cvb_resize_gray(src.baseAddress, Int32(width), Int32(height), dst.baseAddress,
                                Int32(newWidth), Int32(newHeight), interpolation.bridgeValue)
            }
        }
        precondition(status == 0, String(cString: cvb_last_error()))
        return GrayImage(width: newWidth, height: newHeight, pixels: out)
    }

    /// This image with its histogram equalised (OpenCV's equalizeHist): its gray levels spread so that each
    /// is about equally common, whatever the exposure and contrast of the camera were.
    public func equalized() -> GrayImage {
        guard width > 0 && height > 0 else { return self }
        var out = [UInt8](repeating: 0, count: pixels.count)
        let status = pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                cvb_equalize_gray(src.baseAddress, Int32(width), Int32(height), dst.baseAddress)
            }
        }
        precondition(status == 0, String(cString: cvb_last_error()))
        return GrayImage(width: width, height: height, pixels: out)
    }

    /// This image with its contrast evened out region by region (OpenCV's CLAHE): `tiles` x `tiles` regions,
    /// each equalised with its histogram clipped at `clipLimit` times its mean bin, so that a dim or flat
    /// face's brows and creases stand out without the noise of a plain equalisation.
    public func locallyEqualized(clipLimit: Double, tiles: Int) -> GrayImage {
        guard width > 0 && height > 0 else { return self }
        let tiles = max(1, min(tiles, width, height))
        var out = [UInt8](repeating: 0, count: pixels.count)
        let status = pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                cvb_clahe_gray(src.baseAddress, Int32(width), Int32(height), clipLimit, Int32(tiles), dst.baseAddress)
            }
        }
        precondition(status == 0, String(cString: cvb_last_error()))
        return GrayImage(width: width, height: height, pixels: out)
    }

    /// The part of this image under `rect`, clamped to the image (possibly empty).
    public func cropped(to rect: PixelRect) -> GrayImage {
        let box = rect.clamped(toWidth: width, height: height)
        guard !box.isEmpty else { return GrayImage(width: 0, height: 0) }
        var out = [UInt8]()
        out.reserveCapacity(box.area)
        for row in box.y..<box.maxY {
            let start = row * width + box.x
            out.append(contentsOf: pixels[start..<(start + box.width)])
        }
        return GrayImage(width: box.width, height: box.height, pixels: out)
    }

    /// The pixels under `rect`, which may reach beyond the image: outside it the edge pixels are repeated
    /// (a face near the border keeps its shape instead of being squeezed).
    public func extracting(_ rect: PixelRect) -> GrayImage {
        guard !rect.isEmpty else { return GrayImage(width: 0, height: 0) }
        guard width > 0, height > 0 else { return GrayImage(width: rect.width, height: rect.height) }
        var out = [UInt8](repeating: 0, count: rect.area)
        for row in 0..<rect.height {
            let sourceRow = Swift.min(Swift.max(rect.y + row, 0), height - 1) * width
            for column in 0..<rect.width {
                out[row * rect.width + column] = pixels[sourceRow + Swift.min(Swift.max(rect.x + column, 0), width - 1)]
            }
        }
        return GrayImage(width: rect.width, height: rect.height, pixels: out)
    }

    /// The image with `border` pixels added on every side, copying the edge pixels outwards.
    /// (The Haar cascade needs room around a face that fills its whole crop.)
    public func padded(by border: Int) -> GrayImage {
        guard border > 0, width > 0, height > 0 else { return self }
        return extracting(PixelRect(x: -border, y: -border, width: width + 2 * border, height: height + 2 * border))
    }

    /// Encodes the image as PNG.
    public func pngData() throws -> Data {
        try ImageFile.pngData(pixels: pixels, width: width, height: height, channels: 1)
    }

    /// Writes the image as a PNG file.
    public func writePNG(to url: URL) throws {
        try ImageFile.writePNG(to: url, pixels: pixels, width: width, height: height, channels: 1)
    }
}
