import CVBridge
import Foundation
import Graphics

/// Writes BGRA frames to an MJPG .avi (test videos, benchmark input, a stand-in camera).
public final class VideoFileWriter {
    private let handle: OpaquePointer
    public let size: Size

    public init(path: String, size: Size, fps: Double) throws {
        guard let handle = cvb_writer_open(path, Int32(size.width), Int32(size.height), fps) else {
            throw SourceError.cannotOpen("cannot write video \(path): \(String(cString: cvb_last_error()))")
        }
        self.handle = handle
        self.size = size
    }

    deinit { cvb_writer_close(handle) }

    public func write(_ image: BGRAImage) throws {
        precondition(image.width == size.width && image.height == size.height, "VideoFileWriter: frame size changed")
        let status = image.pixels.withUnsafeBufferPointer { cvb_writer_write_bgra(handle, $0.baseAddress, Int32(image.width * 4)) }
        guard status == 0 else { throw SourceError.cannotOpen("writing video frame failed: \(String(cString: cvb_last_error()))") }
    }

    /// Records `seconds` of a source at `fps` (e.g. the demo scene) into a video file.
    public static func record(_ source: FrameSource, seconds: Double, fps: Double = 30, to path: String) throws -> Int {
        var writer: VideoFileWriter?
        let count = Int((seconds * fps).rounded())
        for _ in 0..<count {
            guard case let .frame(image) = source.read() else { break }
            if writer == nil { writer = try VideoFileWriter(path: path, size: Size(width: image.width, height: image.height), fps: fps) }
            try writer?.write(image)
        }
        return count
    }
}
