import Expression
import Foundation
import Imaging

/// One video (or image) through the analyser frame by frame, no frame dropped: frames are read, analysed and
/// logged one at a time and never held, so memory stays flat however long the video.
public struct VideoAnalysis {
    public let path: String
    public let every: Int
    public let log: EmotionLog
    /// Asked between frames; true ends the file early (what was logged stays valid).
    public let stopped: () -> Bool
    /// Called with each analysed frame's result (e.g. to write the annotated video).
    public var onResult: ((LiveResult) throws -> Void)?

    public init(path: String, every: Int, log: EmotionLog, stopped: @escaping () -> Bool) {
        self.path = path
        self.every = max(1, every)
        self.log = log
        self.stopped = stopped
    }

    /// Analyses the file; `progress(frames done, frames in the file or 0, frames per second)` after each frame.
    /// Throws when the file cannot be opened or breaks off with an error (rows logged until then stay).
    public func analyse(with analyzer: FaceAnalyzer, tracks: inout TrackSummary,
                        progress: (Int, Int, Double) -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let started = MonotonicClock.now
        if ImageFile.imageExtensions.contains(url.pathExtension.lowercased()) {
            let image = try BGRAImage(contentsOf: url)
            let result = analyzer.analyse(Frame(image: image, sequence: 1, capturedAt: 0))
            try log.append(file: path, time: 0, frame: 0, faces: result.faces, now: MonotonicClock.now)
            try onResult?(result)
            tracks.add(file: path, time: 0, faces: result.faces)
            progress(1, 1, 1 / max(1e-9, MonotonicClock.now - started))
            return
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw ImageError(path: path, reason: "no such file", action: "open video")
        }
        let reader = try VideoReader(file: path)
        let fps = reader.framesPerSecond > 0 ? reader.framesPerSecond : 30
        let total = reader.frameCount
        var index = 0, analysed = 0
        while !stopped() {
            switch reader.read() {
            case .endOfStream:
                return
            case let .failed(message):
                throw ImageError(path: path, reason: "the video breaks off at frame \(index): \(message)", action: "read video")
            case let .frame(image):
                defer { index += 1 }
                guard index % every == 0 else { continue }
                let time = Double(index) / fps
                let result = analyzer.analyse(Frame(image: image, sequence: index + 1, capturedAt: time))
                let now = MonotonicClock.now
                try log.append(file: path, time: time, frame: index, faces: result.faces, now: now)
                try onResult?(result)
                tracks.add(file: path, time: time, faces: result.faces)
                analysed += 1
                progress(index + 1, total, Double(analysed) / max(1e-9, now - started))
            }
        }
    }
}
