import Imaging
import Live
import Expression
import Foundation
import Graphics
import NeuralNet

/// `emoscope snapshot`: the live view of one picture, drawn without a window, as the app would show it.
public enum HeadlessSnapshot {
    /// Renders `image` with its faces found and classified, and writes the PNG and a JSON sidecar beside it.
    /// Returns the record that was written.
    @discardableResult
    public static func render(image: BGRAImage, sourceName: String, to output: URL, detector: FaceDetecting?,
                              classifier: EmotionClassifying?, mirrored: Bool = false, showPanel: Bool = true,
                              fontFile: String? = nil) throws -> SnapshotRecord {
        let frame = Frame(image: image, sequence: 1, capturedAt: MonotonicClock.now)
        let result = FaceAnalyzer(detector: detector, classifier: classifier).analyse(frame)
        // The video area keeps the picture's shape, 480 to 720 pixels high, like a typical window.
        let videoHeight = min(max(image.height, 480), 720)
        let videoWidth = max(1, Int((Double(image.width) * Double(videoHeight) / Double(image.height)).rounded()))
        let panel = showPanel ? Theme.sidePanelWidth : 0
        let canvas = try Canvas(offscreenWidth: videoWidth + panel, height: videoHeight)
        var model = LiveViewModel(sourceDescription: sourceName)
        model.frame = frame
        model.result = result
        model.modelName = classifier?.modelName
        model.modelViews = classifier?.views?.summary
        model.mirrored = mirrored
        model.showPanel = showPanel
        model.showPerformance = false
        // A still picture has no history: the timeline would only say "no face in view".
        model.showTimeline = false
        model.smoothing = nil
        model.adaptation = nil
        let drawn = try LiveScreen(fonts: try Fonts(file: fontFile)).draw(model, on: canvas)
        let picture = try canvas.readPixels()
        let record = SnapshotRecord(time: Date(), source: sourceName, model: classifier?.modelName, image: output.lastPathComponent,
                                    imageSize: Size(width: picture.width, height: picture.height),
                                    frameSize: Size(width: image.width, height: image.height), mirrored: mirrored, drawn: drawn)
        try picture.writePNG(to: output)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let sidecar = output.deletingPathExtension().appendingPathExtension("json")
        let json = try encoder.encode(record)
        do throws(RegularFile.Problem) { try AtomicFile.write(json, to: sidecar) } catch {
            throw ImageError(path: sidecar.path, reason: error.description, action: "write")
        }
        return record
    }
}
