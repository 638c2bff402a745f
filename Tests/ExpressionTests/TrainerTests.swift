import Imaging
import Expression
import Foundation
import NeuralNet
import Testing
import TestSupport

@Suite("Training on real faces", .serialized, .enabled(if: TestData.hasFER2013, Comment(rawValue: TestData.fer2013MissingReason)))
struct TrainerTests {
    static let training = Result { try TrainingTestData.balanced(split: "train", perClass: 100) }
    static let validation = Result { try TrainingTestData.balanced(split: "val", perClass: 50) }

    func train(_ config: TrainingConfiguration, in folder: URL, stopAfterBatch: Int? = nil,
               resumeFrom: URL? = nil, faces: (training: LabeledFaces, validation: LabeledFaces)? = nil)
        throws -> (Trainer, Trainer.Outcome) {
        let trainer = try Trainer(configuration: config, training: faces?.training ?? Self.training.get(),
                                  validation: faces?.validation ?? Self.validation.get(),
                                  modelURL: folder.appendingPathComponent("model.safetensors"),
                                  checkpointURL: folder.appendingPathComponent("run.ckpt"), resumeFrom: resumeFrom)
        if let stopAfterBatch {
            trainer.onProgress = { progress in
                if progress.epoch == 0 && progress.batch == stopAfterBatch { trainer.requestStop() }
            }
        }
        return (trainer, try trainer.run())
    }

    static func weights(_ network: Sequential) -> [[UInt32]] {
        network.namedParameters.map { $0.parameter.value.array.map(\.bitPattern) }
    }

    @Test func twoEpochsLiftValidationAccuracyClearlyAboveChance() throws {
        let folder = try TestData.temporaryDirectory("train")
        let (trainer, outcome) = try train(TrainingTestData.configuration(epochs: 2), in: folder)
        #expect(outcome == .finished)
        #expect(trainer.state.history.count == 2)
        // Balanced classes: chance is 1/7 (14.3 %); this seed reaches 24.6 % here.
        let chance = 1.0 / 7
        #expect(trainer.state.bestAccuracy > chance + 0.07, "validation accuracy \(trainer.state.bestAccuracy)")
        // The best model was written and loads; its accuracy is the one recorded.
        let saved = try ModelFile.load(folder.appendingPathComponent("model.safetensors"))
        #expect(saved.classNames == Emotion.classNames)
        let result = Evaluation.run(saved.network, on: try Self.validation.get(), normalization: saved.normalization, tta: .flip)
        #expect(abs(result.accuracy - trainer.state.bestAccuracy) < 0.02)
    }

    @Test func theSameSeedGivesTheSameWeights() throws {
        let config = TrainingTestData.configuration(epochs: 1)
        let (a, _) = try train(config, in: try TestData.temporaryDirectory("train"))
        let (b, _) = try train(config, in: try TestData.temporaryDirectory("train"))
        #expect(Self.weights(a.network) == Self.weights(b.network))
        var other = config
        other.seed = 43
        let (c, _) = try train(other, in: try TestData.temporaryDirectory("train"))
        #expect(Self.weights(a.network) != Self.weights(c.network))
    }

    /// Plain, and with a weight average, mixed batches and a teacher (whose state must travel in the
    /// checkpoint too, or be rebuilt the same way); and the residual network, a graph, for one epoch.
    @Test(arguments: [(false, EmotionArchitecture.tiny), (true, .tiny), (false, .residual)])
    func checkpointThenResumeMatchesAnUninterruptedRun(averagedAndMixed: Bool, architecture: EmotionArchitecture) throws {
        var config = TrainingTestData.configuration(epochs: 2)
        config.architecture = architecture.rawValue
        // The residual network costs 50x the tiny one: a fifth of the faces (9 batches an epoch), 35 to validate.
        let faces = architecture == .tiny ? nil : try (TrainingTestData.balanced(split: "train", perClass: 20),
                                                       TrainingTestData.balanced(split: "val", perClass: 5))
        let stopAt = architecture == .tiny ? 17 : 3
        if averagedAndMixed {
            config.averageDecay = 0.99
            config.mixing = BatchMixing(mixupAlpha: 0.4, cutMixAlpha: 1)
            let teacher = try TestData.temporaryDirectory("teacher").appendingPathComponent("teacher.safetensors")
            try ModelFile(network: Sequential(EmotionArchitecture.tiny.architecture, seed: 3), classNames: Emotion.classNames,
                          normalization: InputNormalization(scale: 2 / 255, offset: -1)).save(to: teacher)
            config.teachers = [teacher.path]
        }
        let (straight, _) = try train(config, in: try TestData.temporaryDirectory("train"), faces: faces)

        let folder = try TestData.temporaryDirectory("train")
        let (stopped, outcome) = try train(config, in: folder, stopAfterBatch: stopAt, faces: faces)
        #expect(outcome == .interrupted)
        #expect(stopped.state.epoch == 0 && stopped.state.nextBatch == stopAt)
        let (resumed, finalOutcome) = try train(config, in: folder, resumeFrom: folder.appendingPathComponent("run.ckpt"),
                                                faces: faces)
        #expect(finalOutcome == .finished)
        #expect(Self.weights(resumed.network) == Self.weights(straight.network))
        #expect(resumed.state.history.map(\.validationAccuracy) == straight.state.history.map(\.validationAccuracy))
        #expect(resumed.state.history.map(\.trainLoss) == straight.state.history.map(\.trainLoss))
        let averages = { (t: Trainer) in t.average?.averages.map { $0.array.map(\.bitPattern) } }
        #expect(averages(resumed) == averages(straight))
        #expect((averages(straight) != nil) == averagedAndMixed)
    }

    @Test func aDamagedCheckpointIsRefusedByName() throws {
        let folder = try TestData.temporaryDirectory("train")
        let url = folder.appendingPathComponent("bad.ckpt")
        try Data("not a checkpoint at all".utf8).write(to: url)
        do {
            _ = try train(TrainingTestData.configuration(epochs: 1), in: folder, resumeFrom: url)
            Issue.record("resumed from a damaged checkpoint")
        } catch let error as ModelFileError {
            #expect(error.path == url.path)
        }
    }
}
