import CVBridge
import Foundation

/// Frames from a camera (V4L2) or a video file through OpenCV, as BGRA.
public final class VideoReader {
    /// The outcome of asking for the next frame.
    public enum Read {
        case frame(BGRAImage)
        case endOfStream
        case failed(String)
    }

    private var handle: OpaquePointer?

    /// Opens camera `index` (/dev/videoN), asking for 640x480; nil when it cannot be opened.
    public init?(camera index: Int) {
        guard let handle = cvb_capture_open_camera(Int32(index), 640, 480) else { return nil }
        self.handle = handle
    }

    /// Opens a video file; the error says why it cannot be.
    public init(file path: String) throws {
        guard let handle = cvb_capture_open_file(path) else {
            throw ImageError.fromBridge(path: path, action: "open video", message: String(cString: cvb_last_error()))
        }
        self.handle = handle
    }

    deinit { if let handle { cvb_capture_close(handle) } }

    /// Frames per second the source reports (0 when unknown).
    public var framesPerSecond: Double { handle.map { cvb_capture_fps($0) } ?? 0 }

    /// Frames in the file as its container reports them (0 when unknown); an estimate, for progress only.
    public var frameCount: Int { handle.map { Int(cvb_capture_frame_count($0)) } ?? 0 }

    public func read() -> Read {
        guard let handle else { return .failed("capture closed") }
        var pixels: UnsafePointer<UInt8>?
        var w: Int32 = 0, h: Int32 = 0, stride: Int32 = 0
        let status = cvb_capture_read_bgra(handle, &pixels, &w, &h, &stride)
        if status == 1, let pixels {
            return .frame(BGRAImage(copying: pixels, width: Int(w), height: Int(h), stride: Int(stride)))
        }
        return status == 0 ? .endOfStream : .failed(String(cString: cvb_last_error()))
    }
}
