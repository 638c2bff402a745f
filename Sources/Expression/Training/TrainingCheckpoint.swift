import Foundation
import NeuralNet

/// Where a run stands, written atomically so an interrupted run resumes exactly: weights and BatchNorm
/// statistics, optimiser moments, and (as JSON metadata) the epoch, the next batch, the schedule and the
/// history. Randomness needs no saved state: every draw is derived from (seed, epoch, position).
public struct TrainingState: Codable, Sendable {
    public var configuration: TrainingConfiguration
    public var epoch: Int
    public var nextBatch: Int
    public var optimizerStep: Int
    public var schedule: LearningRateSchedule
    public var bestAccuracy: Double
    public var bestEpoch: Int
    public var history: [EpochRecord]
    /// Running sums of the unfinished epoch's training loss and accuracy.
    public var epochLossSum: Double
    public var epochCorrect: Int
    public var epochSeen: Int
    public var elapsedSeconds: Double
    /// Updates folded into the weight average (nil without one, and in checkpoints from before averaging).
    public var averageUpdates: Int?
    /// The notes the run's model is saved with (the command that started it, …), so a resumed run keeps
    /// them (nil in checkpoints from before they were kept).
    public var modelNotes: [String: String]?
    /// The folder of whole photos measured after every epoch (`train --photos`), measured again on resuming.
    public var photoFolder: String?
    /// The epoch with the best mean of validation and photo accuracy so far (nil without photos).
    public var bestJointEpoch: Int?
}

public enum TrainingCheckpoint {
    static let stateKey = "emoscope.training_state"

    /// Every tensor a checkpoint holds, by name: weights, optimiser state and the weight average.
    static func tensors(network: Sequential, optimizer: any Optimizer, average: WeightAverage?) -> [(name: String, tensor: Tensor)] {
        let named = network.namedParameters
        var tensors = named.map { (name: "model.\($0.name)", tensor: $0.parameter.value) }
        tensors += optimizer.stateTensors(for: named.map(\.parameter)).map {
            (name: "optimizer.\($0.name)", tensor: $0.tensor)
        }
        if let average { tensors += zip(named, average.averages).map { (name: "average.\($0.name)", tensor: $1) } }
        return tensors
    }

    public static func write(state: TrainingState, network: Sequential, optimizer: any Optimizer,
                             average: WeightAverage? = nil, to url: URL) throws {
        let tensors = tensors(network: network, optimizer: optimizer, average: average)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(state), as: UTF8.self)
        try SafeTensors.write(tensors, metadata: [stateKey: json], dtype: .f32, to: url)
    }

    /// Reads the state, then loads weights and optimiser moments into `network` and `optimizer` (which must
    /// be built from the state's configuration).
    public static func readState(_ url: URL) throws -> TrainingState {
        let contents = try SafeTensors.read(url)
        guard let json = contents.metadata[stateKey] else { throw ModelFileError(url, "not an Emoscope training checkpoint") }
        let state: TrainingState
        do { state = try JSONDecoder().decode(TrainingState.self, from: Data(json.utf8)) } catch {
            throw ModelFileError(url, "its training state is damaged: \(DecodingProblem.describe(error))")
        }
        try TrainingLimits.check(state, file: url)
        return state
    }

    public static func restore(_ url: URL, into network: Sequential, optimizer: any Optimizer,
                               average: WeightAverage? = nil) throws {
        let contents = try SafeTensors.read(url)
        for (name, tensor) in tensors(network: network, optimizer: optimizer, average: average) {
            guard let entry = contents.entries[name] else {
                throw ModelFileError(url, "tensor \"\(name)\" is missing")
            }
            guard entry.shape == tensor.shape else {
                throw ModelFileError(url, "tensor \"\(name)\" has shape \(entry.shape), expected \(tensor.shape)")
            }
            let values = try contents.values(name)
            guard values.allSatisfy(\.isFinite) else { throw ModelFileError(url, "tensor \"\(name)\" holds NaN or infinite values") }
            values.withUnsafeBufferPointer { tensor.data.update(from: $0.baseAddress!, count: values.count) }
        }
    }
}

/// One finished epoch, as logged (JSON lines) and plotted.
public struct EpochRecord: Codable, Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validationLoss: Double
    public var validationAccuracy: Double
    public var learningRate: Float
    public var seconds: Double
    public var imagesPerSecond: Double
    /// Accuracy on whole photos (`train --photos`), when they were checked.
    public var photoAccuracy: Double? = nil

    /// What chooses the epoch kept for validation and photos together: the mean of the two accuracies.
    public var jointScore: Double? { photoAccuracy.map { ($0 + validationAccuracy) / 2 } }
}
