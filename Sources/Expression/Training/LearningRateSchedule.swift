#if canImport(Glibc)
import Glibc
#endif

/// The learning rate for each step: linear warm-up, then cosine decay to zero, a constant rate, or
/// reduce-on-plateau (which needs the validation history, kept in `plateauScale`).
public struct LearningRateSchedule: Codable, Sendable, Equatable {
    public private(set) var configuration: TrainingConfiguration
    public let stepsPerEpoch: Int
    /// Reduce-on-plateau's current multiplier and bookkeeping.
    public private(set) var plateauScale: Float = 1
    /// Best validation loss so far (nil before the first epoch ends; JSON has no infinity).
    public private(set) var bestLoss: Double?
    public private(set) var epochsSinceBest = 0

    public init(configuration: TrainingConfiguration, stepsPerEpoch: Int) {
        self.configuration = configuration
        self.stepsPerEpoch = max(1, stepsPerEpoch)
    }

    public func rate(epoch: Int, batch: Int) -> Float {
        let base = configuration.learningRate
        let progress = Float(epoch) + Float(batch) / Float(stepsPerEpoch)
        let warmup = configuration.warmupEpochs
        if progress < warmup { return base * (progress + 1 / Float(stepsPerEpoch)) / warmup }
        switch configuration.schedule {
        case .constant: return base
        case .plateau: return base * plateauScale
        case .cosine:
            let span = max(Float(configuration.epochs) - warmup, 1e-6)
            let t = min(max((progress - warmup) / span, 0), 1)
            return base * 0.5 * (1 + cosf(Float.pi * t))
        }
    }

    /// A saved schedule's progress under a (possibly extended) configuration.
    public init(restoring saved: LearningRateSchedule, configuration: TrainingConfiguration) {
        self = saved
        self.configuration = configuration
    }

    /// Feeds the epoch's validation loss to reduce-on-plateau.
    public mutating func endEpoch(validationLoss: Double) {
        if validationLoss < (bestLoss ?? .infinity) - 1e-4 {
            bestLoss = validationLoss
            epochsSinceBest = 0
        } else {
            epochsSinceBest += 1
            if configuration.schedule == .plateau && epochsSinceBest >= configuration.plateauPatience {
                plateauScale *= configuration.plateauFactor
                epochsSinceBest = 0
            }
        }
    }
}
