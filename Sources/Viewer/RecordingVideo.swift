import Foundation
import Live

/// The annotated video of a live recording, drawn and encoded on its own thread so the main loop never
/// waits for it. Frames go out at a fixed rate in wall-clock time: each tick writes the newest result, or
/// the previous picture again when nothing new has come, so the video plays as long as the recording ran.
final class RecordingVideo: @unchecked Sendable {
    let path: String
    private let fps: Double
    private let slot = LatestSlot<LiveResult>()
    private let thread = WorkerThread()
    private let video: AnnotatedVideo
    private let lock = NSLock()
    private var stopRequested = false
    private var problem: String?

    /// Fonts are opened here, on the caller's thread; drawing happens on the video thread only.
    init(path: String, fps: Double = 30, modelName: String?, fontFile: String? = nil) throws {
        self.path = path
        self.fps = fps
        video = try AnnotatedVideo(path: path, fps: fps, modelName: modelName, fontFile: fontFile)
        thread.start(name: "emoscope-recording-video") { [self] in run() }
    }

    /// Hands over a new result; never blocks.
    func offer(_ result: LiveResult) { slot.put(result) }

    /// The error that stopped the video, once (the CSV goes on without it).
    func takeProblem() -> String? {
        lock.lock(); defer { lock.unlock() }
        defer { problem = nil }
        return problem
    }

    /// Stops the thread and closes the file: what was written is a complete, playable video.
    func finish() {
        lock.lock(); stopRequested = true; lock.unlock()
        slot.close()
        thread.join(timeout: 10)
        video.finish()
    }

    private var shouldStop: Bool { lock.lock(); defer { lock.unlock() }; return stopRequested }

    private func run() {
        var start: Double?
        var seen = 0, framesWritten = 0
        do {
            while !shouldStop {
                guard let first = start else {
                    // Nothing to show yet: the clock starts with the first result.
                    if let (result, version) = slot.next(after: 0, timeout: 0.5) {
                        seen = version
                        try video.write(result)
                        framesWritten = 1
                        start = MonotonicClock.now
                    }
                    continue
                }
                let wait = first + Double(framesWritten) / fps - MonotonicClock.now
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                if let (result, version) = slot.latest(), version != seen {
                    seen = version
                    try video.write(result)
                } else {
                    try video.repeatLast()
                }
                framesWritten += 1
                // Behind wall-clock time (a slow draw): catch up with cheap repeats, so time stays true.
                while Double(framesWritten + 1) < (MonotonicClock.now - first) * fps {
                    try video.repeatLast()
                    framesWritten += 1
                }
            }
        } catch {
            lock.lock(); problem = "\(error)"; lock.unlock()
        }
    }
}
