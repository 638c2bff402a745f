import Foundation
import NeuralNet

/// Trains an emotion network: augmented batches from a background thread, validation after every epoch,
/// the best model kept (like Keras's ModelCheckpoint), a checkpoint after every epoch and on request,
/// and exact resumption.
public final class Trainer: @unchecked Sendable {
    public struct Progress: Sendable {
        public var epoch, epochs, batch, batches: Int
        public var loss, accuracy: Double
        public var imagesPerSecond: Double
        public var learningRate: Float
    }

    public enum Outcome: Sendable, Equatable {
        case finished, stoppedEarly, interrupted
    }

    public let configuration: TrainingConfiguration
    public let network: Sequential
    public let optimizer: any Optimizer
    /// The moving average of the weights that is validated and saved, when the configuration asks for one.
    public let average: WeightAverage?
    public private(set) var state: TrainingState
    public let training: LabeledFaces
    public let validation: LabeledFaces
    /// Where the best model goes, and where checkpoints go.
    public let modelURL: URL
    public let checkpointURL: URL
    public var modelPrecision: SafeTensors.DType = .f16
    /// Extra notes stored in the saved model (the command line, the data folder, …); a resumed run starts
    /// from the ones its checkpoint kept.
    public var modelNotes: [String: String] = [:]
    public var onProgress: ((Progress) -> Void)?
    /// Faces found in whole photos, classified after every epoch beside validation and logged
    /// (`EpochRecord.photoAccuracy`); they never choose `modelURL`'s epoch. Set with `checkPhotos`.
    public private(set) var photos: (faces: LabeledFaces, count: Int)?
    /// With photos: where the epoch best on validation and photos together goes (the mean of the two
    /// accuracies), since the epochs best on FER2013 alone are seldom the best on real photos.
    public private(set) var jointModelURL: URL?
    public var onEpoch: ((EpochRecord, _ isBest: Bool) -> Void)?

    private let stopLock = NSLock()
    private var stopRequested = false
    private let loss: CrossEntropyLoss
    private let teacher: Teacher?
    private let gradient = Tensor(shape: [0])

    public init(configuration: TrainingConfiguration, training: LabeledFaces, validation: LabeledFaces,
                modelURL: URL, checkpointURL: URL, resumeFrom: URL? = nil) throws {
        var configuration = configuration
        var resumedState: TrainingState?
        if let resumeFrom {
            let saved = try TrainingCheckpoint.readState(resumeFrom)
            // The saved settings win, but the number of epochs may be extended.
            let epochs = configuration.epochs
            configuration = saved.configuration
            configuration.epochs = max(epochs, saved.configuration.epochs)
            resumedState = saved
        }
        guard let architecture = EmotionArchitecture(rawValue: configuration.architecture) else {
            throw TrainingError.unknownArchitecture(configuration.architecture)
        }
        guard !training.isEmpty else { throw TrainingError.noData("the training split has no faces") }
        guard !validation.isEmpty else { throw TrainingError.noData("the validation split has no faces") }
        try TrainingLimits.check(configuration)
        self.configuration = configuration
        self.training = configuration.preprocessing.apply(training)
        self.validation = configuration.preprocessing.apply(validation)
        self.modelURL = modelURL
        self.checkpointURL = checkpointURL
        network = try Sequential(architecture.architecture, seed: configuration.seed)
        // A resumed run's weights come from its checkpoint.
        if resumeFrom == nil, let initial = configuration.initialModel {
            try InitialWeights.load(URL(fileURLWithPath: initial), into: network, normalization: configuration.normalization)
        }
        switch configuration.optimizer {
        case .adam: optimizer = Adam(learningRate: configuration.learningRate)
        case .sgd: optimizer = SGD(learningRate: configuration.learningRate, momentum: configuration.momentum,
                                   nesterov: true, weightDecay: configuration.weightDecay)
        }
        average = configuration.averageDecay > 0
            ? WeightAverage(tracking: network.namedParameters.map(\.parameter.value), decay: configuration.averageDecay)
            : nil
        let batches = (training.count + configuration.batchSize - 1) / configuration.batchSize
        var classWeights: [Float]?
        if configuration.balancedClassWeights {
            let counts = training.classCounts
            classWeights = counts.map { $0 == 0 ? 0 : Float(training.count) / Float(counts.count * $0) }
        }
        loss = CrossEntropyLoss(labelSmoothing: configuration.labelSmoothing, classWeights: classWeights)
        teacher = configuration.teachers.isEmpty ? nil
            : try Teacher(urls: configuration.teachers.map { URL(fileURLWithPath: $0) },
                          studentNormalization: configuration.normalization,
                          studentPreprocessing: configuration.preprocessing,
                          distillation: Distillation(weight: configuration.distillationWeight,
                                                     temperature: configuration.temperature))
        if var resumed = resumedState, let resumeFrom {
            try TrainingLimits.check(resumed, batchesPerEpoch: batches, file: resumeFrom)
            try TrainingCheckpoint.restore(resumeFrom, into: network, optimizer: optimizer, average: average)
            optimizer.step = resumed.optimizerStep
            average?.updates = resumed.averageUpdates ?? 0
            resumed.configuration = configuration
            resumed.schedule = LearningRateSchedule(restoring: resumed.schedule, configuration: configuration)
            state = resumed
            modelNotes = resumed.modelNotes ?? [:]
        } else {
            state = TrainingState(configuration: configuration, epoch: 0, nextBatch: 0, optimizerStep: 0,
                                  schedule: LearningRateSchedule(configuration: configuration, stepsPerEpoch: batches),
                                  bestAccuracy: -1, bestEpoch: -1, history: [], epochLossSum: 0, epochCorrect: 0,
                                  epochSeen: 0, elapsedSeconds: 0)
        }
    }

    /// Asks the run to stop after the current batch and write a checkpoint. Safe from any thread.
    public func requestStop() {
        stopLock.lock()
        stopRequested = true
        stopLock.unlock()
    }

    private var shouldStop: Bool {
        stopLock.lock()
        defer { stopLock.unlock() }
        return stopRequested
    }

    public func run() throws -> Outcome {
        let config = configuration
        while state.epoch < config.epochs {
            let epochStart = Date()
            let secondsBefore = state.elapsedSeconds
            let stream = BatchStream(faces: training, epoch: state.epoch, seed: config.seed, batchSize: config.batchSize,
                                     startBatch: state.nextBatch, augmentation: config.augmentation,
                                     normalization: config.normalization, mixing: config.mixing,
                                     fading: config.fading)
            defer { stream.cancel() }
            var imagesThisRun = 0
            var rate: Float = 0
            while let batch = stream.next() {
                rate = state.schedule.rate(epoch: state.epoch, batch: batch.index)
                optimizer.learningRate = rate
                network.reseedDropout(BatchStream.mix(config.seed, UInt64(state.epoch), UInt64(batch.index), 0xD0))
                let logits = network.logits(batch.inputs, training: true)
                var batchLoss = loss(logits: logits, labels: batch.labels, partners: batch.mix?.partners,
                                     weights: batch.mix?.weights, gradient: gradient)
                if let teacher { batchLoss = teacher.distil(inputs: batch.inputs, logits: logits, hardLoss: batchLoss, gradient: gradient) }
                state.epochCorrect += Trainer.correctCount(logits, batch.labels)
                network.backwardFromLogits(gradient)
                optimizer.update(network.trainableParameters)
                average?.update()
                state.averageUpdates = average?.updates
                state.epochLossSum += Double(batchLoss) * Double(batch.labels.count)
                state.epochSeen += batch.labels.count
                state.nextBatch = batch.index + 1
                state.optimizerStep = optimizer.step
                imagesThisRun += batch.labels.count
                let seconds = Date().timeIntervalSince(epochStart)
                state.elapsedSeconds = secondsBefore + seconds
                onProgress?(Progress(epoch: state.epoch, epochs: config.epochs, batch: batch.index + 1,
                                     batches: stream.batchCount, loss: state.epochLossSum / Double(state.epochSeen),
                                     accuracy: Double(state.epochCorrect) / Double(state.epochSeen),
                                     imagesPerSecond: Double(imagesThisRun) / max(seconds, 1e-9), learningRate: rate))
                guard !batchLoss.isNaN else { throw TrainingError.diverged(epoch: state.epoch, batch: batch.index) }
                if shouldStop && state.nextBatch < stream.batchCount {
                    try saveCheckpoint()
                    return .interrupted
                }
            }
            let trainingSeconds = Date().timeIntervalSince(epochStart)
            let result = withValidatedWeights {
                Evaluation.run(network, on: validation, normalization: config.normalization,
                               tta: config.validateWithFlip ? .flip : .none)
            }
            state.schedule.endEpoch(validationLoss: result.loss)
            let photoAccuracy = photos.map { photos in
                let found = photos.faces.isEmpty ? 0 : withValidatedWeights {
                    Evaluation.run(network, on: photos.faces, normalization: config.normalization,
                                   tta: config.validateWithFlip ? .flip : .none).confusion.correct
                }
                return Double(found) / Double(photos.count)
            }
            var record = EpochRecord(epoch: state.epoch + 1, trainLoss: state.epochLossSum / Double(max(1, state.epochSeen)),
                                     trainAccuracy: Double(state.epochCorrect) / Double(max(1, state.epochSeen)),
                                     validationLoss: result.loss, validationAccuracy: result.accuracy, learningRate: rate,
                                     seconds: Date().timeIntervalSince(epochStart),
                                     imagesPerSecond: Double(imagesThisRun) / max(trainingSeconds, 1e-9))
            record.photoAccuracy = photoAccuracy
            state.history.append(record)
            state.elapsedSeconds = secondsBefore + record.seconds
            let isBest = result.accuracy > state.bestAccuracy
            if isBest {
                state.bestAccuracy = result.accuracy
                state.bestEpoch = record.epoch
                try withValidatedWeights { try saveModel(record, to: modelURL) }
            }
            let bestJointScore = state.history.first { $0.epoch == state.bestJointEpoch }?.jointScore ?? -1
            if let jointModelURL, let score = record.jointScore, score > bestJointScore {
                state.bestJointEpoch = record.epoch
                try withValidatedWeights { try saveModel(record, to: jointModelURL, selectedOn: "validation and photos") }
            }
            state.epoch += 1
            state.nextBatch = 0
            state.epochLossSum = 0
            state.epochCorrect = 0
            state.epochSeen = 0
            try saveCheckpoint()
            onEpoch?(record, isBest)
            if config.earlyStoppingPatience > 0 && record.epoch - state.bestEpoch >= config.earlyStoppingPatience {
                return .stoppedEarly
            }
            if shouldStop { return .interrupted }
        }
        return .finished
    }

    /// Also measures every epoch on `found` (counted over all its photos, so a photo without a face is wrong),
    /// preprocessed as the network's faces are, and keeps the epoch best on validation and photos together
    /// in `jointModel`.
    public func checkPhotos(_ found: PhotoFaces, from folder: String, jointModel: URL) {
        photos = found.photos == 0 ? nil : (configuration.preprocessing.apply(found.labeled), found.photos)
        jointModelURL = photos == nil ? nil : jointModel
        state.photoFolder = folder
    }

    /// Where the epoch best on validation and photos together goes, beside the best on validation.
    public static func jointModelURL(besides model: URL) -> URL {
        model.deletingPathExtension().appendingPathExtension("val-photos").appendingPathExtension(model.pathExtension.isEmpty ? "safetensors" : model.pathExtension)
    }

    public func saveCheckpoint() throws {
        state.modelNotes = modelNotes
        try TrainingCheckpoint.write(state: state, network: network, optimizer: optimizer, average: average, to: checkpointURL)
    }

    /// Runs `body` with the weights that are validated and saved: the moving average when there is one.
    private func withValidatedWeights<R>(_ body: () throws -> R) rethrows -> R {
        guard let average else { return try body() }
        return try average.withAveragedWeights(body)
    }

    private func saveModel(_ record: EpochRecord, to url: URL, selectedOn: String = "validation") throws {
        var notes = modelNotes
        notes["selected_on"] = selectedOn
        notes["architecture_name"] = configuration.architecture
        notes["epoch"] = "\(record.epoch)"
        notes["validation_accuracy"] = String(format: "%.4f", record.validationAccuracy)
        notes["validation_flip_averaged"] = "\(configuration.validateWithFlip)"
        if let photoAccuracy = record.photoAccuracy { notes["photo_accuracy"] = String(format: "%.4f", photoAccuracy) }
        notes["seed"] = "\(configuration.seed)"
        if configuration.averageDecay > 0 { notes["weight_average_decay"] = "\(configuration.averageDecay)" }
        if configuration.mixing.mixupAlpha > 0 { notes["mixup_alpha"] = "\(configuration.mixing.mixupAlpha)" }
        if configuration.mixing.cutMixAlpha > 0 { notes["cutmix_alpha"] = "\(configuration.mixing.cutMixAlpha)" }
        if configuration.fading.isEnabled {
            notes["fading"] = "probability \(configuration.fading.probability), neutral share up to \(configuration.fading.strongest)"
        }
        if !configuration.teachers.isEmpty {
            notes["teacher"] = configuration.teachers.map { URL(fileURLWithPath: $0).lastPathComponent }
                .joined(separator: ", ")
            notes["distillation"] = "weight \(configuration.distillationWeight), temperature \(configuration.temperature)"
        }
        if let initial = configuration.initialModel { notes["initialized_from"] = URL(fileURLWithPath: initial).lastPathComponent }
        notes.merge(configuration.preprocessing.note) { _, new in new }
        notes["optimizer"] = configuration.optimizer.rawValue
        notes["schedule"] = configuration.schedule.rawValue
        let file = ModelFile(network: network, classNames: Emotion.classNames, normalization: configuration.normalization,
                             notes: notes)
        try file.save(to: url, precision: modelPrecision)
    }

    static func correctCount(_ logits: Tensor, _ labels: [Int]) -> Int {
        let k = logits.sampleCount
        var correct = 0
        for (n, label) in labels.enumerated() {
            let row = logits.data + n * k
            var best = 0
            for j in 1..<k where row[j] > row[best] { best = j }
            if best == label { correct += 1 }
        }
        return correct
    }
}

public enum TrainingError: Error, CustomStringConvertible {
    case unknownArchitecture(String)
    case noData(String)
    case badSetting(String)
    case diverged(epoch: Int, batch: Int)

    public var description: String {
        switch self {
        case .unknownArchitecture(let name):
            "unknown architecture \"\(name)\" (known: \(EmotionArchitecture.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .noData(let message): message
        case .badSetting(let message): message
        case let .diverged(epoch, batch): "training diverged (loss is NaN) in epoch \(epoch + 1), batch \(batch + 1); lower the learning rate"
        }
    }
}
