import Imaging
import Foundation

/// One captured picture and when it was taken, as it travels from the capture thread to the screen.
public struct Frame: Sendable {
    public let image: BGRAImage
    /// Counts frames from 1 per capture session; tells a new frame from one already seen.
    public let sequence: Int
    /// Monotonic capture time (`MonotonicClock.now`), to measure capture-to-display latency.
    public let capturedAt: Double

    public init(image: BGRAImage, sequence: Int, capturedAt: Double) {
        self.image = image
        self.sequence = sequence
        self.capturedAt = capturedAt
    }
}

/// Seconds on a clock that never jumps (unlike wall time), shared by all pipeline threads.
public enum MonotonicClock {
    public static var now: Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
