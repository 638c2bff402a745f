import Expression
import Foundation
import NeuralNet
import Testing
import TestSupport

/// `train --init` (start from a model's weights) and `train --preprocessing` (recorded in the model).
struct FineTuningTests {
    static func configuration() -> TrainingConfiguration {
        var config = TrainingConfiguration()
        config.architecture = EmotionArchitecture.tiny.rawValue
        config.epochs = 1
        config.batchSize = 4
        config.augmentation = .none
        config.validateWithFlip = false
        return config
    }

    static func trainer(_ config: TrainingConfiguration, in folder: URL) throws -> Trainer {
        let faces = ServingParityTests.faces(count: 8)
        return try Trainer(configuration: config, training: faces, validation: faces,
                           modelURL: folder.appendingPathComponent("m.safetensors"),
                           checkpointURL: folder.appendingPathComponent("m.ckpt"))
    }

    @Test func aRunStartsFromTheGivenModelsWeights() throws {
        let folder = try TestData.temporaryDirectory("init")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("start.safetensors")
        try ModelFile(network: Sequential(EmotionArchitecture.tiny.architecture, seed: 99), classNames: Emotion.classNames,
                      normalization: .unitRange).save(to: url)
        let saved = try ModelFile.load(url).network.namedParameters
        var config = Self.configuration()
        config.initialModel = url.path
        let started = try Self.trainer(config, in: folder).network.namedParameters
        config.initialModel = nil
        let fresh = try Self.trainer(config, in: folder).network.namedParameters
        #expect(saved.count == started.count)
        for ((name, a), (_, b)) in zip(saved, started) {
            #expect(a.value.count == b.value.count, "\(name)")
            #expect((0..<a.value.count).allSatisfy { a.value[$0] == b.value[$0] }, "\(name)")
        }
        // Without --init the weights are the seed's, not the file's (a test that could not fail otherwise).
        let kernel = saved.firstIndex { $0.parameter.value.count > 100 }!
        #expect((0..<saved[kernel].parameter.value.count).contains { saved[kernel].parameter.value[$0] != fresh[kernel].parameter.value[$0] })
    }

    @Test func aModelOfAnotherArchitectureIsRefusedByName() throws {
        let folder = try TestData.temporaryDirectory("init-arch")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("compact-start.safetensors")
        try ModelFile(network: Sequential(EmotionArchitecture.compact.architecture, seed: 1), classNames: Emotion.classNames,
                      normalization: .unitRange).save(to: url)
        var config = Self.configuration()
        config.initialModel = url.path
        #expect { _ = try Self.trainer(config, in: folder) } throws: {
            "\($0)".contains("compact-start.safetensors") && "\($0)".contains("layers differ")
        }
    }

    @Test func theTrainedModelRecordsItsPreprocessingAndIsServedWithIt() throws {
        let folder = try TestData.temporaryDirectory("preprocessing")
        defer { try? FileManager.default.removeItem(at: folder) }
        var config = Self.configuration()
        config.preprocessing = .equalize
        let trainer = try Self.trainer(config, in: folder)
        #expect(trainer.training.face(0).pixels == ServingParityTests.faces(count: 8).face(0).equalized().pixels)
        _ = try trainer.run()
        let model = try ModelFile.load(trainer.modelURL)
        #expect(model.notes["preprocessing"] == "equalize")
        #expect(try Classifier(model: model).preprocessing == .equalize)
    }

    @Test func aTeacherThatReadsFacesOtherwiseIsRefused() throws {
        let folder = try TestData.temporaryDirectory("teacher-preprocessing")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("plain-teacher.safetensors")
        try ModelFile(network: Sequential(EmotionArchitecture.tiny.architecture, seed: 2), classNames: Emotion.classNames,
                      normalization: .unitRange).save(to: url)
        var config = Self.configuration()
        config.preprocessing = .equalize
        config.teachers = [url.path]
        #expect { _ = try Self.trainer(config, in: folder) } throws: {
            "\($0)".contains("plain-teacher.safetensors") && "\($0)".contains("preprocessing")
        }
    }
}
