import CVBridge
import Foundation

/// Colour image files through OpenCV: reading as BGRA and writing PNG from 1, 3 (BGR) or 4 (BGRA) channels.
public enum ImageFile {
    /// Decodes any image file to BGRA (alpha 255 when the file has none), rows packed (stride = width * 4).
    public static func readBGRA(contentsOf url: URL) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        var width: Int32 = 0, height: Int32 = 0
        var pixels: UnsafeMutablePointer<UInt8>?
        guard cvb_decode_bgra_file(url.path, &width, &height, &pixels) == 0, let pixels else {
            throw ImageError.fromBridge(path: url.path, message: String(cString: cvb_last_error()))
        }
        defer { cvb_free(pixels) }
        let count = Int(width) * Int(height) * 4
        return (Int(width), Int(height), [UInt8](UnsafeBufferPointer(start: pixels, count: count)))
    }

    /// Writes packed pixels (`channels` bytes per pixel, in B,G,R(,A) order for colour) as a PNG file.
    public static func writePNG(to url: URL, pixels: [UInt8], width: Int, height: Int, channels: Int) throws {
        try checkGeometry(pixels: pixels, width: width, height: height, channels: channels, path: url.path)
        let status = pixels.withUnsafeBufferPointer { buffer in
            cvb_write_png(url.path, buffer.baseAddress, Int32(width), Int32(height),
                          Int32(width * channels), Int32(channels))
        }
        guard status == 0 else {
            throw ImageError.fromBridge(path: url.path, action: "write PNG", message: String(cString: cvb_last_error()))
        }
    }

    /// Encodes packed pixels as PNG bytes.
    public static func pngData(pixels: [UInt8], width: Int, height: Int, channels: Int) throws -> Data {
        try checkGeometry(pixels: pixels, width: width, height: height, channels: channels, path: "in memory")
        var bytes: UnsafeMutablePointer<UInt8>?
        var count = 0
        let status = pixels.withUnsafeBufferPointer { buffer in
            cvb_encode_png(buffer.baseAddress, Int32(width), Int32(height), Int32(width * channels),
                           Int32(channels), &bytes, &count)
        }
        guard status == 0, let bytes else {
            throw ImageError(path: "in memory", reason: String(cString: cvb_last_error()), action: "encode PNG")
        }
        defer { cvb_free(bytes) }
        return Data(bytes: bytes, count: count)
    }

    private static func checkGeometry(pixels: [UInt8], width: Int, height: Int, channels: Int, path: String) throws {
        guard width > 0, height > 0, [1, 3, 4].contains(channels), pixels.count == width * height * channels else {
            throw ImageError(path: path, reason: "\(pixels.count) bytes do not make a \(width)x\(height) image "
                                 + "of \(channels) channels", action: "write PNG")
        }
    }
}
