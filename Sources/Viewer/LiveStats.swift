import Expression
import Foundation
import Live

/// Measurements of a live run, for `emoscope bench live`: frame times, latencies, per-face rates, memory.
public struct LiveStats: Sendable {
    public var renderedFrames = 0
    public var startedAt = MonotonicClock.now
    public var endedAt = MonotonicClock.now
    /// Seconds from a frame's capture to the first presented frame showing its result.
    public var latencies: [Double] = []
    /// Per analysed frame: seconds spent finding faces, and classifying them.
    public var detectSeconds: [Double] = []
    public var classifySeconds: [Double] = []
    /// Analysed frames with faces, per the views their faces were classified with.
    public var framesByViews: [TestTimeAugmentation: Int] = [:]
    /// Seconds from capture until the worker finished the frame.
    public var inferenceLatencies: [Double] = []
    /// (seconds since start, resident set size in bytes)
    public var memory: [(Double, Int)] = []
    /// Seconds between consecutive presented frames: a frame the main loop spent waiting shows as a long one.
    public var frameIntervals: [Double] = []
    private var lastPresented: Double?
    /// Thumbnails on screen in the last frame, when the run ended in the dataset browser.
    public var browserThumbnails: Int?
    /// Per track: first/last time seen and classification counts then.
    var tracks: [Int: (firstTime: Double, firstCount: Int, lastTime: Double, lastCount: Int)] = [:]
    /// Capture time of the newest result not yet on screen.
    private var pendingCapture: Double?
    /// Capture-to-display latency, smoothed, for the side panel.
    public private(set) var latencyEstimate: Double?
    private var lastMemorySample = -Double.infinity

    public init() {}

    /// A new result has reached the main loop at `time`.
    public mutating func received(_ result: LiveResult, at time: Double) {
        observe(result.faces, at: time)
        detectSeconds.append(result.detectSeconds)
        classifySeconds.append(result.classifySeconds)
        if let views = result.views { framesByViews[views, default: 0] += 1 }
        inferenceLatencies.append(result.finishedAt - result.capturedAt)
        pendingCapture = result.capturedAt
    }

    /// A frame was presented at `time`: counts it, measures the latency of a result shown for the first time,
    /// and samples memory once a second.
    public mutating func presented(at time: Double) {
        renderedFrames += 1
        if let last = lastPresented { frameIntervals.append(time - last) }
        lastPresented = time
        if let captured = pendingCapture {
            let latency = time - captured
            latencies.append(latency)
            latencyEstimate = latencyEstimate.map { $0 * 0.9 + latency * 0.1 } ?? latency
            pendingCapture = nil
        }
        if time - startedAt - lastMemorySample >= 1 {
            lastMemorySample = time - startedAt
            memory.append((lastMemorySample, LiveStats.residentBytes()))
        }
    }

    mutating func observe(_ faces: [TrackedFace], at time: Double) {
        for face in faces where face.missed == 0 {
            if let t = tracks[face.id] {
                tracks[face.id] = (t.firstTime, t.firstCount, time, face.classifications)
            } else {
                tracks[face.id] = (time, face.classifications, time, face.classifications)
            }
        }
    }

    public var renderFPS: Double { Double(renderedFrames) / max(endedAt - startedAt, 1e-6) }

    /// Classifications per second of each face seen for at least `minimum` seconds.
    public func perFaceRates(minimum: Double = 1) -> [Double] {
        tracks.values.filter { $0.lastTime - $0.firstTime >= minimum }
            .map { Double($0.lastCount - $0.firstCount) / ($0.lastTime - $0.firstTime) }
    }

    public static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let index = min(sorted.count - 1, max(0, Int((Double(sorted.count - 1) * p).rounded())))
        return sorted[index]
    }

    /// Resident memory of this process, from /proc/self/statm.
    public static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
