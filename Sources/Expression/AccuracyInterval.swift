import Foundation

/// Where a model's true accuracy plausibly lies, given it was right on `correct` of `total` faces: the
/// Wilson score interval, which stays inside 0–1 and keeps its width near 0 % and 100 % (272 photos leave
/// about ±6 points; 3,589 faces about ±1.5).
public struct AccuracyInterval: Equatable, Sendable {
    public let lower: Double
    public let upper: Double

    /// `z`: the normal quantile of the confidence, by default 95 %'s two-sided 1.95996.
    public init(correct: Int, total: Int, z: Double = 1.959963984540054) {
        precondition(correct >= 0 && correct <= total, "AccuracyInterval: \(correct) right of \(total)")
        guard total > 0 else { (lower, upper) = (0, 1); return }
        let n = Double(total), p = Double(correct) / n, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        (lower, upper) = (max(0, centre - half), min(1, centre + half))
    }

    /// "95% interval 53.3–64.9%".
    public var description: String { String(format: "95%% interval %.1f–%.1f%%", lower * 100, upper * 100) }
}
