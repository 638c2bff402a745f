import Foundation
import NeuralNet

/// The ranges a training run's settings and saved progress must lie in. A checkpoint is a file, so its
/// fields may say anything (`epoch: -3`, `nextBatch: 2^62`, `batchSize: 1e9`); everything is checked here
/// before the run uses it, so a bad value is a message naming the file instead of a trap or a huge allocation.
public enum TrainingLimits {
    /// Far above any batch that helps on 48x48 faces, far below one that exhausts memory.
    public static let maximumBatchSize = 4096
    public static let maximumEpochs = 100_000

    /// Settings of a new or resumed run; the problem is said in the words of the command line.
    public static func check(_ configuration: TrainingConfiguration) throws {
        if let problem = problem(with: configuration) { throw TrainingError.badSetting(problem) }
    }

    /// A checkpoint's whole state, before any of it is used.
    public static func check(_ state: TrainingState, file url: URL) throws {
        func refuse(_ problem: String) -> ModelFileError { ModelFileError(url, "its training state is damaged: \(problem)") }
        if let problem = problem(with: state.configuration) { throw refuse(problem) }
        let epochs = state.configuration.epochs
        guard (0...epochs).contains(state.epoch) else { throw refuse("epoch \(state.epoch) is not in 0...\(epochs)") }
        guard state.nextBatch >= 0, state.nextBatch <= Int(Int32.max) else { throw refuse("nextBatch \(state.nextBatch) is out of range") }
        guard state.optimizerStep >= 0 else { throw refuse("optimizerStep \(state.optimizerStep) is negative") }
        guard state.bestAccuracy.isFinite, (-1...1).contains(state.bestAccuracy) else {
            throw refuse("bestAccuracy \(state.bestAccuracy) is not in -1...1")
        }
        guard (-1...state.epoch).contains(state.bestEpoch) else { throw refuse("bestEpoch \(state.bestEpoch) is not in -1...\(state.epoch)") }
        guard state.history.count <= state.epoch else {
            throw refuse("\(state.history.count) epochs of history for \(state.epoch) finished epochs")
        }
        guard state.epochSeen >= 0, (0...state.epochSeen).contains(state.epochCorrect) else {
            throw refuse("epochCorrect \(state.epochCorrect) of epochSeen \(state.epochSeen)")
        }
        guard state.epochLossSum.isFinite, state.epochLossSum >= 0 else { throw refuse("epochLossSum \(state.epochLossSum)") }
        guard state.elapsedSeconds.isFinite, state.elapsedSeconds >= 0 else { throw refuse("elapsedSeconds \(state.elapsedSeconds)") }
        let schedule = state.schedule
        guard schedule.stepsPerEpoch > 0, schedule.plateauScale.isFinite, schedule.plateauScale >= 0,
              schedule.epochsSinceBest >= 0, schedule.bestLoss?.isFinite ?? true else {
            throw refuse("the learning-rate schedule's progress is out of range")
        }
    }

    /// The resume position against the data it resumes on (the batch count depends on the training split).
    public static func check(_ state: TrainingState, batchesPerEpoch: Int, file url: URL) throws {
        guard state.nextBatch <= batchesPerEpoch else {
            throw ModelFileError(url, "its training state is damaged: nextBatch \(state.nextBatch) is past the "
                                 + "\(batchesPerEpoch) batches of an epoch on this training split")
        }
    }

    private static func problem(with c: TrainingConfiguration) -> String? {
        if !(1...maximumBatchSize).contains(c.batchSize) { return "batch size \(c.batchSize) is not in 1...\(maximumBatchSize)" }
        if !(1...maximumEpochs).contains(c.epochs) { return "epochs \(c.epochs) is not in 1...\(maximumEpochs)" }
        if !(c.learningRate.isFinite && c.learningRate > 0) { return "learning rate \(c.learningRate) must be a positive number" }
        if !(c.momentum.isFinite && c.weightDecay.isFinite && c.weightDecay >= 0) { return "momentum \(c.momentum) or weight decay \(c.weightDecay) is not a number" }
        if !(c.warmupEpochs.isFinite && c.warmupEpochs >= 0) { return "warm-up \(c.warmupEpochs) must be 0 or more epochs" }
        if c.plateauPatience < 0 || c.earlyStoppingPatience < 0 { return "patience must be 0 or more epochs" }
        if !(c.plateauFactor.isFinite && c.plateauFactor > 0 && c.plateauFactor <= 1) { return "plateau factor \(c.plateauFactor) is not in (0, 1]" }
        if !(c.labelSmoothing >= 0 && c.labelSmoothing < 1) { return "label smoothing \(c.labelSmoothing) is not in [0, 1)" }
        let a = c.augmentation
        if !((0...1).contains(a.maxShift) && (0...180).contains(a.maxRotationDegrees) && (0..<1).contains(a.maxZoom)
             && (0...1).contains(a.erasingProbability)) {
            return "augmentation shift \(a.maxShift), rotation \(a.maxRotationDegrees), zoom \(a.maxZoom) or erasing \(a.erasingProbability) is out of range"
        }
        let n = c.normalization
        if !(n.scale.isFinite && n.offset.isFinite && (n.scale * 255 + n.offset).isFinite) { return "input normalisation \(n) is not finite" }
        return nil
    }
}
