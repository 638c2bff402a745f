import Expression
import Foundation
import NeuralNet
import Testing
import TestSupport

/// Issue 16, item 6: every field of a checkpoint's training state is checked before a resumed run uses it.
@Suite("Checkpoint validation")
struct CheckpointValidationTests {
    /// A few synthetic faces of every class: enough for a trainer, no dataset needed.
    static func faces(_ perClass: Int) -> LabeledFaces {
        var faces = LabeledFaces()
        for emotion in Emotion.allCases {
            for i in 0..<perClass {
                faces.append((0..<LabeledFaces.faceSize).map { UInt8(truncatingIfNeeded: $0 &* (i + 3) &+ emotion.rawValue) },
                             label: emotion, path: "\(emotion.name)/\(i)")
            }
        }
        return faces
    }

    static func trainer(in folder: URL, resumeFrom: URL? = nil) throws -> Trainer {
        var config = TrainingConfiguration()
        config.architecture = EmotionArchitecture.tiny.rawValue
        config.epochs = 1
        config.batchSize = 4
        return try Trainer(configuration: config, training: faces(2), validation: faces(1),
                           modelURL: folder.appendingPathComponent("m.safetensors"),
                           checkpointURL: folder.appendingPathComponent("m.ckpt"), resumeFrom: resumeFrom)
    }

    /// A copy of a valid checkpoint with one field of its state JSON replaced.
    static func checkpoint(in folder: URL, setting field: String, to value: String) throws -> URL {
        let good = folder.appendingPathComponent("m.ckpt")
        if !FileManager.default.fileExists(atPath: good.path) { try trainer(in: folder).saveCheckpoint() }
        let contents = try SafeTensors.read(good)
        var metadata = contents.metadata
        let key = "emoscope.training_state"
        let json = try #require(metadata[key])
        var state = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let parsed = try JSONSerialization.jsonObject(with: Data(value.utf8), options: .fragmentsAllowed)
        if field.hasPrefix("configuration.") {
            var configuration = try #require(state["configuration"] as? [String: Any])
            configuration[String(field.dropFirst("configuration.".count))] = parsed
            state["configuration"] = configuration
        } else {
            state[field] = parsed
        }
        metadata[key] = String(decoding: try JSONSerialization.data(withJSONObject: state), as: UTF8.self)
        let tensors = try contents.entries.keys.sorted().map { name in
            (name: name, tensor: Tensor(shape: contents.entries[name]!.shape, values: try contents.values(name)))
        }
        let url = folder.appendingPathComponent("edited-\(field)-\(value.count).ckpt")
        try SafeTensors.write(tensors, metadata: metadata, to: url)
        return url
    }

    @Test func outOfRangeFieldsAreRefusedByName() throws {
        let folder = try TestData.temporaryDirectory("ckpt")
        let cases = [("epoch", "-3"), ("nextBatch", "-1"), ("nextBatch", "4611686018427387904"),
                     ("configuration.batchSize", "1000000000"), ("configuration.epochs", "0"),
                     ("optimizerStep", "-5"), ("bestEpoch", "7"), ("epochCorrect", "99"),
                     ("configuration.learningRate", "-1"), ("elapsedSeconds", "-2")]
        for (field, value) in cases {
            let url = try Self.checkpoint(in: folder, setting: field, to: value)
            #expect(throws: ModelFileError.self, "\(field) = \(value)") { try TrainingCheckpoint.readState(url) }
            do {
                _ = try Self.trainer(in: folder, resumeFrom: url)
                Issue.record("resumed with \(field) = \(value)")
            } catch let error as ModelFileError {
                #expect(error.path == url.path && error.problem.contains("training state is damaged"), "\(error)")
            }
        }
    }

    @Test func aResumePositionPastTheEpochIsRefused() throws {
        let folder = try TestData.temporaryDirectory("ckpt")
        // 14 faces in batches of 4: 4 batches per epoch.
        let url = try Self.checkpoint(in: folder, setting: "nextBatch", to: "5")
        do {
            _ = try Self.trainer(in: folder, resumeFrom: url)
            Issue.record("resumed past the end of the epoch")
        } catch let error as ModelFileError {
            #expect(error.problem.contains("nextBatch 5"), "\(error)")
        }
        let fine = try Self.checkpoint(in: folder, setting: "nextBatch", to: "4")
        _ = try Self.trainer(in: folder, resumeFrom: fine)
    }

    @Test func aDamagedStateSaysWhichField() throws {
        let folder = try TestData.temporaryDirectory("ckpt")
        let url = try Self.checkpoint(in: folder, setting: "epoch", to: "\"three\"")
        do {
            _ = try TrainingCheckpoint.readState(url)
            Issue.record("read a state with a text epoch")
        } catch let error as ModelFileError {
            #expect(error.problem.contains("epoch") && !error.problem.contains("DecodingError"), "\(error)")
        }
    }

    @Test func absurdSettingsOfANewRunAreRefused() throws {
        var config = TrainingConfiguration()
        config.architecture = EmotionArchitecture.tiny.rawValue
        config.batchSize = 1_000_000_000
        let folder = try TestData.temporaryDirectory("ckpt")
        #expect(throws: TrainingError.self) {
            _ = try Trainer(configuration: config, training: Self.faces(1), validation: Self.faces(1),
                            modelURL: folder.appendingPathComponent("m.safetensors"),
                            checkpointURL: folder.appendingPathComponent("m.ckpt"))
        }
    }
}
