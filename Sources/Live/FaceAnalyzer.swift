import Expression
import Imaging

/// One frame through the whole analysis, on the caller's thread: find the faces (the whole frame now and
/// then, near known faces in between), classify them all in one batch, follow them with the tracker.
/// Used by the live inference thread, headless snapshots and the live benchmark alike.
/// Not thread-safe: one analyser per stream of frames.
public final class FaceAnalyzer {
    private let detector: FaceDetecting?
    private let classifier: EmotionClassifying?
    private let tracker = FaceTracker()
    /// The square each face is cut to around its detected box before it is classified.
    public let framing: FaceFraming
    private var lastFullDetection = -Double.infinity
    /// How often the whole frame is searched for new faces; in between, known faces are searched for only
    /// near where they were (a whole-frame Haar search costs several times more).
    public var fullDetectionInterval = 0.4

    /// Smooth each face's probabilities over time (labels do not flicker between two close emotions).
    public var smoothing: Bool {
        get { tracker.smoothing }
        set { tracker.smoothing = newValue }
    }

    /// Read each face against its own usual face once it has been in view for a few seconds.
    public var adaptation: Bool {
        get { tracker.adaptation }
        set { tracker.adaptation = newValue }
    }

    public init(detector: FaceDetecting?, classifier: EmotionClassifying?, framing: FaceFraming = .detectorBox,
                smoothing: Bool = true, adaptation: Bool = true) {
        self.detector = detector
        self.classifier = classifier
        self.framing = framing
        tracker.smoothing = smoothing
        tracker.adaptation = adaptation
    }

    /// Forgets every face (a new source shows other people).
    public func reset() {
        tracker.reset()
        lastFullDetection = -Double.infinity
    }

    /// Detects, classifies and tracks the faces of `frame`; the result carries the frame.
    public func analyse(_ frame: Frame) -> LiveResult {
        let start = MonotonicClock.now
        let gray = frame.image.gray()
        let boxes = detect(in: gray, at: frame.capturedAt)
            .map { $0.clamped(toWidth: gray.width, height: gray.height) }.filter { !$0.isEmpty }
        let detected = MonotonicClock.now
        var probabilities: [[Float]] = []
        if let classifier, !boxes.isEmpty {
            probabilities = classifier.probabilities(for: boxes.map { framing.crop(gray, box: $0) })
        }
        let finished = MonotonicClock.now
        let faces = tracker.update(detections: boxes, probabilities: probabilities, at: frame.capturedAt)
        return LiveResult(frame: frame, finishedAt: finished, faces: faces, classified: probabilities.count,
                          detectSeconds: detected - start, classifySeconds: finished - detected,
                          views: probabilities.isEmpty ? nil : classifier?.views)
    }

    private func detect(in gray: GrayImage, at time: Double) -> [PixelRect] {
        guard let detector else { return [] }
        let known = tracker.tracks.filter { $0.missed == 0 }.map(\.box)
        if known.isEmpty || time - lastFullDetection >= fullDetectionInterval || time < lastFullDetection {
            lastFullDetection = time
            return detector.detectFaces(in: gray)
        }
        let found = detector.detectFaces(in: gray, near: known)
        // A face lost between full searches triggers a full search at once rather than waiting.
        if found.count < known.count {
            lastFullDetection = time
            return detector.detectFaces(in: gray)
        }
        return found
    }
}
