import Foundation
import Synchronization

/// The inference thread: takes the newest frame from the capture slot (older ones are dropped), runs it
/// through the `FaceAnalyzer` and puts the result, frame included, in the latest-result slot.
/// The analyser (and so the detector and classifier) is used on this thread only.
public final class InferenceWorker: @unchecked Sendable {
    public let results = LatestSlot<LiveResult>()
    private let frames: LatestSlot<Frame>
    private let analyzer: FaceAnalyzer
    private let shared: Mutex<Shared>
    private let worker = WorkerThread()

    private struct Shared {
        var stop = false
        var smoothing: Bool
        var adaptation: Bool
        var reset = false
        var inferenceRate = RateMeter()
        var faceRate = RateMeter()
    }

    public init(frames: LatestSlot<Frame>, analyzer: FaceAnalyzer) {
        self.frames = frames
        self.analyzer = analyzer
        shared = Mutex(Shared(smoothing: analyzer.smoothing, adaptation: analyzer.adaptation))
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

    public var adaptation: Bool {
        get { shared.withLock { $0.adaptation } }
        set { shared.withLock { $0.adaptation = newValue } }
    }

    /// Forgets all tracks before the next frame (a new source shows other people).
    public func resetTracks() { shared.withLock { $0.reset = true } }

    private func run() {
        var seen = 0
        while true {
            let (stop, smoothing, adaptation, reset) = shared.withLock { s in
                defer { s.reset = false }
                return (s.stop, s.smoothing, s.adaptation, s.reset)
            }
            if stop { return }
            if reset { analyzer.reset() }
            analyzer.smoothing = smoothing
            analyzer.adaptation = adaptation
            guard let (frame, version) = frames.next(after: seen, timeout: 0.1) else { continue }
            seen = version
            let result = analyzer.analyse(frame)
            shared.withLock {
                $0.inferenceRate.record(at: result.finishedAt)
                if result.classified > 0 { $0.faceRate.record(count: result.classified, at: result.finishedAt) }
            }
            results.put(result)
        }
    }
}
