import CVBridge
import Foundation

/// Writes BGRA frames of one size to an MJPG .avi through OpenCV (test videos, benchmark input, recordings).
public final class VideoWriter {
    private let handle: OpaquePointer
    public let path: String
    public let size: Size

    public init(path: String, size: Size, fps: Double) throws {
        guard let handle = cvb_writer_open(path, Int32(size.width), Int32(size.height), fps) else {
            throw ImageError.fromBridge(path: path, action: "write video", message: String(cString: cvb_last_error()))
        }
        self.handle = handle
        self.path = path
        self.size = size
    }

    deinit { cvb_writer_close(handle) }

    public func write(_ image: BGRAImage) throws {
        guard image.width == size.width && image.height == size.height else {
            throw ImageError(path: path, reason: "a \(image.width)x\(image.height) frame in a \(size.width)x\(size.height) video",
                             action: "write video")
        }
        let status = image.pixels.withUnsafeBufferPointer { cvb_writer_write_bgra(handle, $0.baseAddress, Int32(image.width * 4)) }
        guard status == 0 else {
            throw ImageError.fromBridge(path: path, action: "write video", message: String(cString: cvb_last_error()))
        }
    }
}
