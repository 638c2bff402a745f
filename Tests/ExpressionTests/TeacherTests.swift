import Expression
import Foundation
import NeuralNet
import Testing
import TestSupport

struct TeacherTests {
    @Test func aTeacherWithAnotherClassOrderIsRefusedByName() throws {
        let folder = try TestData.temporaryDirectory("teacher")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("wrong-order.safetensors")
        try ModelFile(network: Sequential(EmotionArchitecture.tiny.architecture, seed: 1),
                      classNames: ["neutral", "angry", "disgust", "fear", "happy", "sad", "surprise"],
                      normalization: .unitRange).save(to: url)
        var config = TrainingConfiguration()
        config.architecture = EmotionArchitecture.tiny.rawValue
        config.teachers = [url.path]
        let faces = ServingParityTests.faces(count: 8)
        #expect {
            _ = try Trainer(configuration: config, training: faces, validation: faces,
                            modelURL: folder.appendingPathComponent("m.safetensors"),
                            checkpointURL: folder.appendingPathComponent("m.ckpt"))
        } throws: { error in "\(error)".contains("wrong-order.safetensors") && "\(error)".contains("order") }
    }

    /// `train --teacher A --teacher B`: an ensemble of one model twice teaches exactly as that model alone, a
    /// different second member changes the lesson, and every member is checked, named when refused.
    @Test func anEnsembleTeacherAveragesItsMembers() throws {
        let folder = try TestData.temporaryDirectory("ensemble-teacher")
        defer { try? FileManager.default.removeItem(at: folder) }
        func model(_ name: String, seed: UInt64, classes: [String] = Emotion.classNames) throws -> String {
            let url = folder.appendingPathComponent(name)
            try ModelFile(network: Sequential(EmotionArchitecture.tiny.architecture, seed: seed), classNames: classes,
                          normalization: .unitRange).save(to: url)
            return url.path
        }
        let (a, b) = (try model("a.safetensors", seed: 4), try model("b.safetensors", seed: 5))
        func trainLosses(_ teachers: [String]) throws -> [Double] {
            var config = FineTuningTests.configuration()
            config.teachers = teachers
            config.distillationWeight = 0.9
            let trainer = try FineTuningTests.trainer(config, in: folder)
            _ = try trainer.run()
            #expect(try ModelFile.load(trainer.modelURL).notes["teacher"]
                    == teachers.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", "))
            return trainer.state.history.map { Double($0.trainLoss) }
        }
        let alone = try trainLosses([a]), twice = try trainLosses([a, a]), pair = try trainLosses([a, b])
        #expect(zip(alone, twice).allSatisfy { abs($0 - $1) <= 1e-5 * abs($0) }, "\(alone) vs \(twice)")
        #expect(zip(alone, pair).contains { abs($0 - $1) > 1e-3 * abs($0) }, "\(alone) vs \(pair)")
        var config = FineTuningTests.configuration()
        config.teachers = [a, try model("reordered.safetensors", seed: 6, classes: Array(Emotion.classNames.reversed()))]
        #expect { _ = try FineTuningTests.trainer(config, in: folder) } throws: { "\($0)".contains("reordered.safetensors") }
    }

    /// Checkpoints written when a run had at most one teacher (the key `teacher`) resume with it.
    @Test func aFormerSingleTeacherCheckpointDecodes() throws {
        var config = TrainingConfiguration()
        config.teachers = ["/models/one.safetensors"]
        var fields = try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as! [String: Any]
        fields["teachers"] = nil
        fields["teacher"] = "/models/one.safetensors"
        let former = try JSONSerialization.data(withJSONObject: fields)
        #expect(try JSONDecoder().decode(TrainingConfiguration.self, from: former).teachers == ["/models/one.safetensors"])
        fields["teacher"] = nil
        let none = try JSONSerialization.data(withJSONObject: fields)
        #expect(try JSONDecoder().decode(TrainingConfiguration.self, from: none).teachers.isEmpty)
    }
}
