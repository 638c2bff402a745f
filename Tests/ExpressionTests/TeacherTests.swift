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
        config.teacher = url.path
        let faces = ServingParityTests.faces(count: 8)
        #expect {
            _ = try Trainer(configuration: config, training: faces, validation: faces,
                            modelURL: folder.appendingPathComponent("m.safetensors"),
                            checkpointURL: folder.appendingPathComponent("m.ckpt"))
        } throws: { error in "\(error)".contains("wrong-order.safetensors") && "\(error)".contains("order") }
    }
}
