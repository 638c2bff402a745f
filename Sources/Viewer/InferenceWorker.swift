import Expression
import Foundation
import Graphics
import Synchronization

/// The inference thread: takes the newest frame (older ones are dropped), finds the faces, classifies all
/// of them in one batch, follows them with the tracker and puts the result in the latest-result slot.
/// The detector and classifier are used on this thread only.
public final class InferenceWorker: @unchecked Sendable {
    public let results = LatestSlot<LiveResult>()
    private let frames: LatestSlot<Frame>
    private let detector: FaceDetecting?
    private let classifier: EmotionClassifying?
    private let tracker = FaceTracker()
    private let shared = Mutex(Shared())
    private let worker = WorkerThread()
    private var lastFullDetection = -Double.infinity
    /// How often the whole frame is searched for new faces; in between, known faces are searched for only
    /// near where they were (Haar on a whole frame costs 20-80 ms here; near known faces, a few).
    public var fullDetectionInterval = 0.4

    private struct Shared {
        var stop = false
        var smoothing = true
        var inferenceRate = RateMeter()
        var faceRate = RateMeter()
        var reset = false
    }

    public init(frames: LatestSlot<Frame>, detector: FaceDetecting?, classifier: EmotionClassifying?) {
        self.frames = frames
        self.detector = detector
        self.classifier = classifier
    }

    public func start() {
        worker.start(name: "emoscope.inference") { [self] in run() }
    }

    /// Asks the thread to stop and waits (up to 5 s) until it has.
    public func stop() {
        shared.withLock { $0.stop = true }
        results.close()
        worker.join()
    }

    /// Frames analysed per second.
    public var inferenceRate: Double { shared.withLock { $0.inferenceRate.rate() } }
    /// Face classifications per second (all faces together).
    public var classificationRate: Double { shared.withLock { $0.faceRate.rate() } }

    public var smoothing: Bool {
        get { shared.withLock { $0.smoothing } }
        set { shared.withLock { $0.smoothing = newValue } }
    }

    /// Forgets all tracks (a new source shows other people).
    public func resetTracks() { shared.withLock { $0.reset = true } }

    private func run() {
        var seen = 0
        while true {
            if shared.withLock({ $0.stop }) { return }
            guard let (frame, version) = frames.next(after: seen, timeout: 0.1) else { continue }
            seen = version
            let result = analyse(frame)
            results.put(result)
        }
    }

    private func detect(in gray: GrayImage, at time: Double) -> [FaceRect] {
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

    /// One frame through detection, batch classification and tracking. Public for the headless snapshot.
    public func analyse(_ frame: Frame) -> LiveResult {
        let (smoothing, reset) = shared.withLock { s in
            let r = s.reset
            s.reset = false
            return (s.smoothing, r)
        }
        if reset { tracker.reset() }
        tracker.smoothing = smoothing
        let start = MonotonicClock.now
        let gray = frame.image.gray()
        let boxes = detect(in: gray, at: frame.capturedAt)
            .map { $0.clamped(toWidth: gray.width, height: gray.height) }.filter { !$0.isEmpty }
        let detected = MonotonicClock.now
        var probabilities: [[Float]] = []
        if let classifier, !boxes.isEmpty {
            probabilities = classifier.probabilities(for: boxes.map { gray.cropped(to: $0) })
        }
        let finished = MonotonicClock.now
        let faces = tracker.update(detections: boxes, probabilities: probabilities, at: frame.capturedAt)
        shared.withLock {
            $0.inferenceRate.record(at: finished)
            if !probabilities.isEmpty { $0.faceRate.record(count: probabilities.count, at: finished) }
        }
        return LiveResult(frameSequence: frame.sequence, capturedAt: frame.capturedAt, finishedAt: finished,
                          frameSize: Size(width: frame.image.width, height: frame.image.height), faces: faces,
                          detectSeconds: detected - start, classifySeconds: finished - detected)
    }
}
