import Foundation
import Imaging

/// A supplier of pictures, read by the capture thread only.
public protocol FrameSource: AnyObject {
    /// Frames per second to pace playback at; nil when `read()` itself waits for the next frame (a camera).
    var pacingFPS: Double? { get }
    func read() -> VideoReader.Read
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

/// A camera or a video file. Video files loop, so the viewer and the benchmark keep running.
public final class CaptureSource: FrameSource {
    private var reader: VideoReader?
    private let reopen: () throws -> VideoReader
    private let loops: Bool
    public let pacingFPS: Double?

    public init(camera index: Int) throws {
        let open = {
            guard let reader = VideoReader(camera: index) else {
                throw SourceError.cannotOpen("No camera at index \(index) (/dev/video\(index)): is it plugged in and not used by another program?")
            }
            return reader
        }
        reader = try open()
        reopen = open
        loops = false
        pacingFPS = nil
    }

    public init(videoFile path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SourceError.cannotOpen("Video file not found: \(path)")
        }
        let open = {
            do { return try VideoReader(file: path) } catch { throw SourceError.cannotOpen("Cannot open video \(path): \(error)") }
        }
        let reader = try open()
        self.reader = reader
        reopen = open
        loops = true
        let fps = reader.framesPerSecond
        pacingFPS = fps > 1 && fps < 240 ? fps : 30
    }

    public func read() -> VideoReader.Read {
        guard let reader else { return .failed("capture closed") }
        let result = reader.read()
        guard case .endOfStream = result, loops else { return result }
        self.reader = nil
        guard let reopened = try? reopen() else { return .failed("cannot reopen the video") }
        self.reader = reopened
        return reopened.read()
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

    public func read() -> VideoReader.Read { .frame(image) }
}
