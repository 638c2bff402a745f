import NeuralNet
#if canImport(Glibc)
import Glibc
#endif

/// Mixup and CutMix: each face of a batch is blended with (mixup) or has a box pasted from (CutMix) a
/// partner face of the same batch, and its target becomes λ · its label + (1 − λ) · the partner's label.
/// Both discourage the over-confident, memorised answers that make a model call real faces "neutral".
/// One λ per batch, drawn from Beta(α, α); with both on, each batch uses one of them at random.
public struct BatchMixing: Codable, Sendable, Equatable {
    /// Beta(α, α) of mixup's weights; 0 switches mixup off.
    public var mixupAlpha: Float = 0
    /// Beta(α, α) of CutMix's kept area; 0 switches CutMix off.
    public var cutMixAlpha: Float = 0

    public init(mixupAlpha: Float = 0, cutMixAlpha: Float = 0) {
        self.mixupAlpha = mixupAlpha
        self.cutMixAlpha = cutMixAlpha
    }

    public var isEnabled: Bool { mixupAlpha > 0 || cutMixAlpha > 0 }

    /// Who each face was mixed with and how much of itself it kept.
    public struct Mix: Sendable, Equatable {
        /// Row of the partner of each row.
        public var partners: [Int]
        /// Weight of each row's own label (the partner's is 1 − weight).
        public var weights: [Float]
    }

    /// Mixes the first `count` faces (`side`x`side`, one channel) of `inputs` in place.
    public func apply(to inputs: Tensor, count: Int, side: Int, generator: inout SeededGenerator) -> Mix {
        let area = side * side
        var partners = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            partners.swapAt(i, Int(generator.next() % UInt64(i + 1)))
        }
        let useCutMix = cutMixAlpha > 0 && (mixupAlpha <= 0 || generator.nextUnit() < 0.5)
        let original = [Float](UnsafeBufferPointer(start: inputs.data, count: count * area))
        if useCutMix {
            // A box of about (1 − λ) of the area, placed anywhere; λ is then what is really kept.
            let target = Self.beta(cutMixAlpha, &generator)
            let cut = (1 - target).squareRoot()
            let h = min(side, Int((Float(side) * cut).rounded())), w = h
            let top = Int(generator.nextUnit() * Float(side - h + 1)), left = Int(generator.nextUnit() * Float(side - w + 1))
            for n in 0..<count {
                let own = inputs.data + n * area, partner = partners[n] * area
                for y in top..<(top + h) { for x in left..<(left + w) { own[y * side + x] = original[partner + y * side + x] } }
            }
            let kept = 1 - Float(h * w) / Float(area)
            return Mix(partners: partners, weights: [Float](repeating: kept, count: count))
        }
        let lambda = Self.beta(mixupAlpha, &generator)
        for n in 0..<count {
            let own = inputs.data + n * area, partner = partners[n] * area
            for i in 0..<area { own[i] = lambda * original[n * area + i] + (1 - lambda) * original[partner + i] }
        }
        return Mix(partners: partners, weights: [Float](repeating: lambda, count: count))
    }

    /// A draw from Beta(α, α), as G₁ / (G₁ + G₂) of two Gamma(α) draws.
    static func beta(_ alpha: Float, _ generator: inout SeededGenerator) -> Float {
        let a = gamma(Double(alpha), &generator), b = gamma(Double(alpha), &generator)
        return a + b > 0 ? Float(a / (a + b)) : 0.5
    }

    /// Marsaglia and Tsang's method; shape below 1 through Gamma(α + 1) · U^(1/α).
    static func gamma(_ shape: Double, _ generator: inout SeededGenerator) -> Double {
        if shape < 1 {
            let u = max(Double(generator.nextUnit()), 1e-12)
            return gamma(shape + 1, &generator) * pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                // Box–Muller normal.
                let u1 = max(Double(generator.nextUnit()), 1e-12), u2 = Double(generator.nextUnit())
                x = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = Double(generator.nextUnit())
            if u < 1 - 0.0331 * x * x * x * x || log(max(u, 1e-300)) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }
}
