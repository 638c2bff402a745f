import Foundation
import Graphics
import Imaging
import Live

/// Analysed frames as the live view shows them (boxes and labels on the picture, no panel) written to an
/// MJPG .avi: `emoscope analyze --video-out`. Drawn offscreen, so no display is needed.
public final class AnnotatedVideo {
    public let path: String
    private let fps: Double
    private let screen: LiveScreen
    private var canvas: Canvas?
    private var writer: VideoWriter?
    private let modelName: String?
    private var last: BGRAImage?

    public init(path: String, fps: Double, modelName: String?, fontFile: String? = nil) throws {
        self.path = path
        self.fps = fps
        self.modelName = modelName
        screen = LiveScreen(fonts: try Fonts(file: fontFile))
    }

    /// Closes the file (it is complete and playable from then on).
    public func finish() {
        writer = nil
        canvas = nil
    }

    public func write(_ result: LiveResult) throws {
        let size = result.frameSize
        if writer == nil {
            canvas = try Canvas(offscreenWidth: size.width, height: size.height)
            writer = try VideoWriter(path: path, size: size, fps: fps)
        }
        guard let canvas, let writer, canvas.size == size else {
            throw ImageError(path: path, reason: "frames of another size (\(size.width)x\(size.height)) cannot join this video",
                             action: "write video")
        }
        var model = LiveViewModel(sourceDescription: URL(fileURLWithPath: path).lastPathComponent)
        model.frame = result.frame
        model.result = result
        model.modelName = modelName
        model.showPanel = false
        model.showPerformance = false
        try screen.draw(model, on: canvas)
        let pixels = try canvas.readPixels()
        try writer.write(pixels)
        last = pixels
    }

    /// Writes the last frame again (a recording that keeps wall-clock time while nothing new arrives).
    public func repeatLast() throws {
        guard let last, let writer else { return }
        try writer.write(last)
    }
}
