import Foundation

/// Two models scored on the same faces: where each is right and the other wrong, and whether that split
/// could be chance (McNemar's exact test). A difference of a few faces between two models is usually noise,
/// and only the faces on which they disagree tell which is better.
public struct PairedComparison: Equatable, Sendable {
    /// Faces the first model gets right and the second wrong.
    public let onlyFirst: Int
    /// Faces the second model gets right and the first wrong.
    public let onlySecond: Int
    public let both: Int
    public let neither: Int

    /// `first[i]`, `second[i]`: whether each model was right on face i.
    public init(first: [Bool], second: [Bool]) {
        precondition(first.count == second.count, "PairedComparison: \(first.count) faces against \(second.count)")
        var counts = (0, 0, 0, 0)
        for (a, b) in zip(first, second) {
            switch (a, b) {
            case (true, false): counts.0 += 1
            case (false, true): counts.1 += 1
            case (true, true): counts.2 += 1
            case (false, false): counts.3 += 1
            }
        }
        (onlyFirst, onlySecond, both, neither) = counts
    }

    /// Two-sided exact p-value: the chance of a split at least this uneven of the disagreeing faces if
    /// either model were as likely to be the one that is right (binomial, one half).
    public var pValue: Double {
        let n = onlyFirst + onlySecond
        guard n > 0 else { return 1 }
        let k = min(onlyFirst, onlySecond)
        // P(X ≤ k) for X ~ Binomial(n, ½), summed in logs so that thousands of faces do not underflow.
        var logTerm = -Double(n) * log(2.0), tail = 0.0
        for i in 0...k {
            if i > 0 { logTerm += log(Double(n - i + 1)) - log(Double(i)) }
            tail += exp(logTerm)
        }
        return min(1, 2 * tail)
    }
}
