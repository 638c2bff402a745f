import CVBridge
import Foundation
import Graphics

/// The outcome of asking a source for its next picture.
public enum FrameRead {
    case frame(BGRAImage)
    case endOfStream
    case failed(String)
}

/// A supplier of pictures, read by the capture thread only.
public protocol FrameSource: AnyObject {
    /// Frames per second to pace playback at; nil when `read()` itself waits for the next frame (a camera).
    var pacingFPS: Double? { get }
    func read() -> FrameRead
}

public enum SourceError: Error, CustomStringConvertible {
    case cannotOpen(String)
    case noFaces(String)

    public var description: String {
        switch self {
        case let .cannotOpen(message): message
        case let .noFaces(message): message
        }
    }
}

/// A camera or a video file through OpenCV. Video files loop, so the viewer and the benchmark keep running.
public final class CaptureSource: FrameSource {
    private var handle: OpaquePointer?
    private let reopen: () -> OpaquePointer?
    private let loops: Bool
    public let pacingFPS: Double?

    public init(camera index: Int) throws {
        let open = { cvb_capture_open_camera(Int32(index), 640, 480) }
        guard let handle = open() else {
            throw SourceError.cannotOpen("No camera at index \(index) (/dev/video\(index)): is it plugged in and not used by another program?")
        }
        self.handle = handle
        reopen = open
        loops = false
        pacingFPS = nil
    }

    public init(videoFile path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SourceError.cannotOpen("Video file not found: \(path)")
        }
        let open = { cvb_capture_open_file(path) }
        guard let handle = open() else {
            throw SourceError.cannotOpen("Cannot open video \(path): \(String(cString: cvb_last_error()))")
        }
        self.handle = handle
        reopen = open
        loops = true
        let fps = cvb_capture_fps(handle)
        pacingFPS = fps > 1 && fps < 240 ? fps : 30
    }

    deinit { if let handle { cvb_capture_close(handle) } }

    public func read() -> FrameRead {
        guard let handle else { return .failed("capture closed") }
        var pixels: UnsafePointer<UInt8>?
        var w: Int32 = 0, h: Int32 = 0, stride: Int32 = 0
        let status = cvb_capture_read_bgra(handle, &pixels, &w, &h, &stride)
        if status == 1, let pixels {
            return .frame(BGRAImage(copying: pixels, width: Int(w), height: Int(h), stride: Int(stride)))
        }
        if status == 0 {
            guard loops else { return .endOfStream }
            cvb_capture_close(handle)
            self.handle = reopen()
            return self.handle == nil ? .failed("cannot reopen the video") : read()
        }
        return .failed(String(cString: cvb_last_error()))
    }
}

/// One still picture, offered again and again so that the whole pipeline works the same as for video.
public final class StillImageSource: FrameSource {
    private let image: BGRAImage
    public let pacingFPS: Double? = 15

    public init(path: String) throws {
        do {
            image = try BGRAImage(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SourceError.cannotOpen("Cannot open image \(path): \(error)")
        }
    }

    public init(image: BGRAImage) { self.image = image }

    public func read() -> FrameRead { .frame(image) }
}

extension BGRAImage {
    /// Copies rows of a BGRA buffer whose rows may be padded (`stride` bytes apart).
    init(copying source: UnsafePointer<UInt8>, width: Int, height: Int, stride: Int) {
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        pixels.withUnsafeMutableBufferPointer { dst in
            for y in 0..<height {
                (dst.baseAddress! + y * width * 4).update(from: source + y * stride, count: width * 4)
            }
        }
        self.init(width: width, height: height, pixels: pixels)
    }
}
