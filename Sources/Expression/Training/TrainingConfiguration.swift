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
    /// Decay of the exponential moving average of the weights that is validated and saved (0: none, the
    /// weights as trained).
    public var averageDecay: Float = 0
    /// How batches are mixed (mixup, CutMix) before the network sees them.
    public var mixing = BatchMixing()
    /// How many faces are faded toward a neutral face, keeping their label, and how far.
    public var fading = ExpressionFading()
    /// Model files whose soft outputs the network also learns (knowledge distillation; several: an ensemble,
    /// their soft probabilities averaged), with the share α of the soft targets and their temperature.
    public var teachers: [String] = []
    public var distillationWeight: Float = 0.5
    public var temperature: Float = 2
    /// What every face goes through before normalisation, in training and (recorded in the model) at run time.
    public var preprocessing = FacePreprocessing.none
    /// A model file whose weights the network starts from instead of random ones (fine-tuning).
    public var initialModel: String?

    public init() {}
}

extension TrainingConfiguration {
    enum CodingKeys: String, CodingKey {
        case architecture, epochs, batchSize, seed, optimizer, learningRate, momentum, weightDecay, schedule
        case warmupEpochs, plateauPatience, plateauFactor, earlyStoppingPatience, labelSmoothing
        case balancedClassWeights, augmentation, validateWithFlip, normalization, averageDecay, mixing, fading
        case teachers, distillationWeight, temperature, preprocessing, initialModel
    }
    /// Keys that checkpoints of earlier versions wrote.
    enum FormerCodingKeys: String, CodingKey { case teacher }

    /// Settings added after a checkpoint was written take their defaults (the run continues as it started).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        architecture = try c.decode(String.self, forKey: .architecture)
        epochs = try c.decode(Int.self, forKey: .epochs)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        seed = try c.decode(UInt64.self, forKey: .seed)
        optimizer = try c.decode(OptimizerKind.self, forKey: .optimizer)
        learningRate = try c.decode(Float.self, forKey: .learningRate)
        momentum = try c.decode(Float.self, forKey: .momentum)
        weightDecay = try c.decode(Float.self, forKey: .weightDecay)
        schedule = try c.decode(ScheduleKind.self, forKey: .schedule)
        warmupEpochs = try c.decode(Float.self, forKey: .warmupEpochs)
        plateauPatience = try c.decode(Int.self, forKey: .plateauPatience)
        plateauFactor = try c.decode(Float.self, forKey: .plateauFactor)
        earlyStoppingPatience = try c.decode(Int.self, forKey: .earlyStoppingPatience)
        labelSmoothing = try c.decode(Float.self, forKey: .labelSmoothing)
        balancedClassWeights = try c.decode(Bool.self, forKey: .balancedClassWeights)
        augmentation = try c.decode(Augmentation.self, forKey: .augmentation)
        validateWithFlip = try c.decode(Bool.self, forKey: .validateWithFlip)
        normalization = try c.decode(InputNormalization.self, forKey: .normalization)
        averageDecay = try c.decodeIfPresent(Float.self, forKey: .averageDecay) ?? 0
        mixing = try c.decodeIfPresent(BatchMixing.self, forKey: .mixing) ?? BatchMixing()
        fading = try c.decodeIfPresent(ExpressionFading.self, forKey: .fading) ?? ExpressionFading()
        teachers = try c.decodeIfPresent([String].self, forKey: .teachers)
            ?? decoder.container(keyedBy: FormerCodingKeys.self).decodeIfPresent(String.self, forKey: .teacher).map { [$0] }
            ?? []
        distillationWeight = try c.decodeIfPresent(Float.self, forKey: .distillationWeight) ?? 0.5
        temperature = try c.decodeIfPresent(Float.self, forKey: .temperature) ?? 2
        preprocessing = try c.decodeIfPresent(FacePreprocessing.self, forKey: .preprocessing) ?? .none
        initialModel = try c.decodeIfPresent(String.self, forKey: .initialModel)
    }
}

extension Augmentation: Codable {
    enum CodingKeys: String, CodingKey { case flip, maxShift, maxRotationDegrees, maxZoom, erasingProbability, photometric }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        flip = try c.decode(Bool.self, forKey: .flip)
        maxShift = try c.decode(Float.self, forKey: .maxShift)
        maxRotationDegrees = try c.decode(Float.self, forKey: .maxRotationDegrees)
        maxZoom = try c.decode(Float.self, forKey: .maxZoom)
        erasingProbability = try c.decode(Float.self, forKey: .erasingProbability)
        photometric = try c.decodeIfPresent(PhotometricJitter.self, forKey: .photometric) ?? .none
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(flip, forKey: .flip)
        try c.encode(maxShift, forKey: .maxShift)
        try c.encode(maxRotationDegrees, forKey: .maxRotationDegrees)
        try c.encode(maxZoom, forKey: .maxZoom)
        try c.encode(erasingProbability, forKey: .erasingProbability)
        if photometric.isActive { try c.encode(photometric, forKey: .photometric) }
    }
}
