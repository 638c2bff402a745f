import NeuralNet

/// Everything that decides a training run. Saved in checkpoints, so a resumed run uses the same settings.
public struct TrainingConfiguration: Codable, Sendable, Equatable {
    public enum OptimizerKind: String, Codable, Sendable, CaseIterable { case adam, sgd }
    public enum ScheduleKind: String, Codable, Sendable, CaseIterable { case cosine, plateau, constant }

    public var architecture: String = EmotionArchitecture.compact.rawValue
    public var epochs = 30
    public var batchSize = 64
    public var seed: UInt64 = 1
    public var optimizer: OptimizerKind = .adam
    public var learningRate: Float = 1e-3
    /// SGD only.
    public var momentum: Float = 0.9
    /// L2 weight decay on kernels (SGD only).
    public var weightDecay: Float = 5e-4
    public var schedule: ScheduleKind = .cosine
    /// Epochs of linear warm-up before the schedule proper.
    public var warmupEpochs: Float = 1
    /// Plateau schedule: epochs without improvement before the rate is multiplied by `plateauFactor`.
    public var plateauPatience = 3
    public var plateauFactor: Float = 0.5
    /// Stop after this many epochs without a better validation accuracy (0 = never).
    public var earlyStoppingPatience = 0
    public var labelSmoothing: Float = 0.1
    /// Weight each class's loss by total / (classes · count), as sklearn's "balanced" weights.
    public var balancedClassWeights = false
    public var augmentation = Augmentation()
    /// Validate with flip averaging (what the app does at run time).
    public var validateWithFlip = true
    public var normalization = InputNormalization.unitRange

    public init() {}
}

extension Augmentation: Codable {
    enum CodingKeys: String, CodingKey { case flip, maxShift, maxRotationDegrees, maxZoom, erasingProbability }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        flip = try c.decode(Bool.self, forKey: .flip)
        maxShift = try c.decode(Float.self, forKey: .maxShift)
        maxRotationDegrees = try c.decode(Float.self, forKey: .maxRotationDegrees)
        maxZoom = try c.decode(Float.self, forKey: .maxZoom)
        erasingProbability = try c.decode(Float.self, forKey: .erasingProbability)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(flip, forKey: .flip)
        try c.encode(maxShift, forKey: .maxShift)
        try c.encode(maxRotationDegrees, forKey: .maxRotationDegrees)
        try c.encode(maxZoom, forKey: .maxZoom)
        try c.encode(erasingProbability, forKey: .erasingProbability)
    }
}
