import Imaging
import Foundation

/// A linear axis with "nice" bounds and ticks (1, 2 or 5 times a power of ten), built so that any input —
/// one value, equal values, NaN or infinities from a diverged run — gives finite bounds and a usable scale.
public struct AxisScale: Sendable, Equatable {
    public let lower: Double
    public let upper: Double
    public let ticks: [Double]
    /// Digits after the decimal point that tell the ticks apart.
    public let decimals: Int

    public init(lower: Double, upper: Double, ticks: [Double], decimals: Int = 0) {
        precondition(lower.isFinite && upper.isFinite && upper > lower, "AxisScale: bad bounds \(lower)...\(upper)")
        self.lower = lower
        self.upper = upper
        self.ticks = ticks
        self.decimals = decimals
    }

    /// Bounds and ticks covering the finite `values` (non-finite ones are ignored).
    /// - includingZero: start bars at zero, for counts.
    /// - limits: the range the quantity can take at all (accuracy: 0...100), so padding never leaves it.
    /// - padding: room added on both sides as a fraction of the span, so points do not sit on the frame.
    public init(covering values: [Double], includingZero: Bool = false, limits: ClosedRange<Double>? = nil,
                padding: Double = 0, targetTicks: Int = 6) {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if includingZero { low = min(low, 0); high = max(high, 0) }
        // A span that overflows (values near ±Double.greatestFiniteMagnitude) cannot be divided into ticks.
        if !(high - low).isFinite { low = 0; high = 1 }
        if high - low <= max(abs(high), abs(low), 1) * 1e-9 {
            // One value (or all equal): show it in the middle of a small window around it.
            let pad = max(abs(high) * 0.1, 0.5)
            low = includingZero && low >= 0 ? 0 : low - pad
            high += pad
        }
        let pad = (high - low) * max(padding, 0)
        if includingZero && low == 0 { high += pad } else { low -= pad; high += pad }
        if let limits {
            low = max(low, limits.lowerBound)
            high = min(high, limits.upperBound)
            if high <= low { low = limits.lowerBound; high = limits.upperBound }
        }
        let step = AxisScale.niceStep((high - low) / Double(max(targetTicks - 1, 1)))
        var niceLow = (low / step).rounded(.down) * step
        var niceHigh = (high / step).rounded(.up) * step
        if let limits {
            niceLow = max(niceLow, limits.lowerBound)
            niceHigh = min(niceHigh, limits.upperBound)
        }
        if niceHigh <= niceLow { niceHigh = niceLow + step }
        let count = Int(((niceHigh - niceLow) / step).rounded())
        // Ticks by index, not by repeated addition, so 0.1 steps do not drift to 0.30000000000000004.
        let ticks: [Double] = (0...count).map { (index: Int) -> Double in niceLow + Double(index) * step }
        let decimals = max(0, Int((-log10(step)).rounded(.up)))
        self.init(lower: niceLow, upper: niceHigh, ticks: ticks, decimals: decimals)
    }

    /// An epoch axis: 1...count with whole-number ticks; a single epoch sits in the middle.
    public static func epochs(_ count: Int, targetTicks: Int = 8) -> AxisScale {
        guard count > 1 else { return AxisScale(lower: 0.5, upper: 1.5, ticks: [1]) }
        let step = max(1, AxisScale.niceStep(Double(count - 1) / Double(max(targetTicks - 1, 1))))
        var ticks: [Double] = [1]
        var tick = step
        while tick <= Double(count) {
            if tick - 1 >= step / 2 { ticks.append(tick) } // no crowding next to the first epoch
            tick += step
        }
        return AxisScale(lower: 1, upper: Double(count), ticks: ticks)
    }

    /// Where `value` lies between the bounds: 0 at `lower`, 1 at `upper` (outside when the value is).
    public func fraction(_ value: Double) -> Double { (value - lower) / (upper - lower) }

    public func label(_ value: Double) -> String { String(format: "%.\(decimals)f", value) }

    /// 1, 2 or 5 times a power of ten, the smallest such number at least `rough`.
    public static func niceStep(_ rough: Double) -> Double {
        guard rough.isFinite, rough > 0 else { return 1 }
        let magnitude = pow(10, log10(rough).rounded(.down))
        let mantissa = rough / magnitude
        let nice: Double = mantissa <= 1 ? 1 : mantissa <= 2 ? 2 : mantissa <= 5 ? 5 : 10
        return nice * magnitude
    }
}
