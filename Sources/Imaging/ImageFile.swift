import CVBridge
import Foundation

/// PNG output through OpenCV from 1 (gray), 3 (BGR) or 4 (BGRA) channels: the one PNG writer.
public enum ImageFile {
    /// File name extensions of the still images Emoscope opens (lower case).
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "bmp", "webp", "tif", "tiff", "pgm", "ppm"]

    /// Writes packed pixels (`channels` bytes per pixel, in B,G,R(,A) order for colour) as a PNG file,
    /// atomically: to a temporary file beside `url`, then renamed over it, so a reader never sees half a file
    /// and a failed write leaves what was there.
    public static func writePNG(to url: URL, pixels: [UInt8], width: Int, height: Int, channels: Int) throws {
        try checkGeometry(pixels: pixels, width: width, height: height, channels: channels, path: url.path)
        // Like model files, a PNG may go to a folder that does not exist yet.
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        removeStaleTemporaries(of: url)
        // The encoder is chosen by extension, so the temporary name must end in .png too.
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UUID().uuidString.prefix(8)).png")
        let status = pixels.withUnsafeBufferPointer { buffer in
            cvb_write_png(temporary.path, buffer.baseAddress, Int32(width), Int32(height),
                          Int32(width * channels), Int32(channels))
        }
        guard status == 0 else {
            unlink(temporary.path)
            // The bridge's message names the temporary file; the user knows only the PNG.
            let reason = ImageError.fromBridge(path: temporary.path, action: "write PNG", message: String(cString: cvb_last_error())).reason
            throw ImageError(path: url.path, reason: reason, action: "write PNG")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary.path)
            throw ImageError(path: url.path, reason: message, action: "write PNG")
        }
    }

    /// Removes `.NAME.PID.TOKEN.png` temporaries of `url` left by writers that died (`kill -9` mid-write).
    static func removeStaleTemporaries(of url: URL) {
        let folder = url.deletingLastPathComponent()
        let prefix = ".\(url.lastPathComponent)."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".png") {
            let parts = name.dropFirst(prefix.count).split(separator: ".")
            guard parts.count == 3, let pid = pid_t(parts[0]), pid > 0, kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(folder.appendingPathComponent(name).path)
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
