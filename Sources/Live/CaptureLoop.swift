import Imaging
import Foundation
import Synchronization

/// What the capture thread is doing, for the screen to say plainly.
public enum CaptureState: Sendable, Equatable {
    case opening
    case running
    /// The source could not be opened or went away; the loop retries by itself.
    case unavailable(String)
    case ended
}

/// The capture thread: opens the source, reads frames as fast as the source gives them (pacing files to
/// their frame rate) and puts each into the latest-frame slot. It never waits for anyone downstream.
/// A camera that fails to open or disappears is retried every second; the window stays up meanwhile.
public final class CaptureLoop: @unchecked Sendable {
    public typealias Opener = @Sendable (SourceSpec) throws -> FrameSource

    public let frames = LatestSlot<Frame>()
    private let opener: Opener
    private let shared: Mutex<Shared>
    private let worker = WorkerThread()

    private struct Shared {
        var spec: SourceSpec
        var state: CaptureState = .opening
        var stop = false
        var paused = false
        var cycleCamera = false
        var rate = RateMeter()
        var notice: String?
    }

    public static let retryInterval = 1.0

    public init(source: SourceSpec, opener: @escaping Opener = CaptureLoop.openSource) {
        self.opener = opener
        shared = Mutex(Shared(spec: source))
    }

    /// Opens real sources: cameras and files through OpenCV, the demo scene from a dataset folder.
    public static let openSource: Opener = opener(demoDetector: nil)

    /// Opens real sources; the demo scene shows only faces that a detector made by `demoDetector` finds (one of
    /// its own: the capture thread vets faces while the inference worker detects with the app's).
    public static func opener(demoDetector: (@Sendable () -> FaceDetecting?)?) -> Opener {
        { spec in
            switch spec {
            case let .camera(index): try CaptureSource(camera: index)
            case let .video(path): try CaptureSource(videoFile: path)
            case let .image(path): try StillImageSource(path: path)
            case let .demo(root): try DemoScene(root: URL(fileURLWithPath: root), detector: demoDetector?())
            }
        }
    }

    public func start() {
        worker.start(name: "emoscope.capture") { [self] in run() }
    }

    /// Asks the thread to stop and waits (up to 5 s) until it has.
    public func stop() {
        shared.withLock { $0.stop = true }
        frames.close()
        worker.join()
    }

    public var state: CaptureState { shared.withLock { $0.state } }
    public var spec: SourceSpec { shared.withLock { $0.spec } }
    public var captureRate: Double { shared.withLock { $0.rate.rate() } }

    public var paused: Bool {
        get { shared.withLock { $0.paused } }
        set { shared.withLock { $0.paused = newValue } }
    }

    /// Switches to another source (e.g. from the settings or a file dropped on the window).
    public func switchTo(_ spec: SourceSpec) { shared.withLock { $0.spec = spec; $0.state = .opening } }

    /// Asks the thread to move on to the next camera index that opens.
    public func cycleCamera() { shared.withLock { $0.cycleCamera = true } }

    /// A one-off message for the screen (e.g. "no other camera found"), taken once.
    public func takeNotice() -> String? { shared.withLock { let n = $0.notice; $0.notice = nil; return n } }

    private func run() {
        var source: FrameSource?
        var openSpec: SourceSpec?
        var sequence = 0
        var nextDue = MonotonicClock.now
        while true {
            let (spec, stop, paused, cycle) = shared.withLock { s in
                let c = s.cycleCamera
                s.cycleCamera = false
                return (s.spec, s.stop, s.paused, c)
            }
            if stop { return }
            if cycle, case let .camera(current) = openSpec ?? spec {
                if let (index, opened) = nextCamera(after: current) {
                    source = opened
                    openSpec = .camera(index)
                    shared.withLock { $0.spec = .camera(index); $0.state = .running; $0.notice = "Switched to camera \(index)" }
                } else {
                    shared.withLock { $0.notice = "No other camera found" }
                }
                continue
            }
            if source == nil || openSpec != spec {
                source = nil
                do {
                    source = try opener(spec)
                    openSpec = spec
                    shared.withLock { $0.state = .running }
                    nextDue = MonotonicClock.now
                } catch {
                    openSpec = nil
                    shared.withLock { $0.state = .unavailable("\(error)") }
                    sleepUntilRetry()
                    continue
                }
            }
            if paused {
                Thread.sleep(forTimeInterval: 0.02)
                nextDue = MonotonicClock.now
                continue
            }
            guard let current = source else { continue }
            switch current.read() {
            case let .frame(image):
                sequence += 1
                let now = MonotonicClock.now
                frames.put(Frame(image: image, sequence: sequence, capturedAt: now))
                shared.withLock { $0.rate.record(at: now) }
                if let fps = current.pacingFPS {
                    nextDue += 1 / fps
                    let wait = nextDue - MonotonicClock.now
                    if wait > 0 { Thread.sleep(forTimeInterval: wait) } else if wait < -0.5 { nextDue = MonotonicClock.now }
                }
            case .endOfStream:
                shared.withLock { $0.state = .ended }
                Thread.sleep(forTimeInterval: 0.1)
            case let .failed(message):
                source = nil
                openSpec = nil
                let what = spec.isCamera ? "The \(spec) stopped sending pictures (\(message))." : "Reading \(spec) failed: \(message)"
                shared.withLock { $0.state = .unavailable(what) }
                sleepUntilRetry()
            }
        }
    }

    /// Sleeps about a second, waking early when asked to stop or to switch sources.
    private func sleepUntilRetry() {
        let until = MonotonicClock.now + CaptureLoop.retryInterval
        while MonotonicClock.now < until {
            if shared.withLock({ $0.stop || $0.cycleCamera }) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// The first camera after `current` (wrapping around, /dev/video0...9) that opens.
    private func nextCamera(after current: Int) -> (Int, FrameSource)? {
        for step in 1...10 {
            let index = (current + step) % 10
            if index == current { break }
            if let source = try? opener(.camera(index)) { return (index, source) }
        }
        return nil
    }
}
