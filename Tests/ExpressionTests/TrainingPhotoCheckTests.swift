import Expression
import Foundation
import Imaging
import NeuralNet
import Testing
import TestSupport

/// `train --photos`: whole photos' faces classified after every epoch, counted over all the photos.
struct TrainingPhotoCheckTests {
    /// `perClass` generated faces of every class, each class with its own pattern.
    static func faces(perClass: Int, seed: Int) -> LabeledFaces {
        var faces = LabeledFaces()
        for emotion in Emotion.allCases {
            for i in 0..<perClass {
                let pixels = (0..<LabeledFaces.faceSize).map { UInt8(truncatingIfNeeded: ($0 % 48) * (emotion.rawValue + 1) * 5 + $0 / 48 * 3 + i * 7 + seed) }
                faces.append(pixels, label: emotion, path: "\(emotion.name)-\(i)")
            }
        }
        return faces
    }

    @Test func photoAccuracyIsTheAppsAnswerOverEveryPhoto() throws {
        let folder = try TestData.temporaryDirectory("photo-check")
        defer { try? FileManager.default.removeItem(at: folder) }
        var config = TrainingConfiguration()
        config.architecture = EmotionArchitecture.tiny.rawValue
        config.epochs = 2
        config.batchSize = 16
        config.augmentation = .none
        config.averageDecay = 0.9
        let trainer = try Trainer(configuration: config, training: Self.faces(perClass: 8, seed: 0),
                                  validation: Self.faces(perClass: 2, seed: 1),
                                  modelURL: folder.appendingPathComponent("m.safetensors"),
                                  checkpointURL: folder.appendingPathComponent("m.ckpt"))
        trainer.modelPrecision = .f32
        // Faces cut at other sizes than 48 (as found in photos), and two photos without a face.
        var photos = PhotoFaces()
        let validation = Self.faces(perClass: 2, seed: 3)
        for i in 0..<validation.count {
            photos.crops.append(validation.face(i).resized(width: 60 + i, height: 60 + i, interpolation: .linear))
            photos.emotions.append(validation.labels[i])
            photos.paths.append("photo-\(i).png")
        }
        photos.noFace = [("a.png", .happy), ("b.png", .sad)]
        #expect(photos.photos == 16)
        let joint = folder.appendingPathComponent("m.val-photos.safetensors")
        #expect(Trainer.jointModelURL(besides: folder.appendingPathComponent("m.safetensors")) == joint)
        trainer.checkPhotos(photos, from: "/photos", jointModel: joint)
        var saved: [EpochRecord] = []
        trainer.onEpoch = { record, isBest in if isBest { saved.append(record) } }
        #expect(try trainer.run() == .finished)
        let records = trainer.state.history
        #expect(records.count == 2 && records.allSatisfy { $0.photoAccuracy != nil })

        // The saved epoch's figure is what the app answers with the saved model, over all 16 photos.
        let best = try #require(saved.last)
        let classifier = try Classifier(contentsOf: folder.appendingPathComponent("m.safetensors"), tta: .flip)
        let right = zip(classifier.probabilities(for: photos.crops), photos.emotions)
            .filter { Emotion.mostProbable($0.0) == $0.1 }.count
        #expect(best.photoAccuracy == Double(right) / 16, "\(right) of 16")
        let notes = try ModelFile.load(folder.appendingPathComponent("m.safetensors")).notes
        #expect(notes["photo_accuracy"] == String(format: "%.4f", Double(right) / 16))
        #expect(notes["selected_on"] == "validation")

        // Beside it, the epoch whose mean of validation and photo accuracy is highest (the first on a tie).
        let bestScore = try #require(records.compactMap(\.jointScore).max())
        let firstBest = try #require(records.first { $0.jointScore == bestScore })
        #expect(trainer.state.bestJointEpoch == firstBest.epoch)
        let jointNotes = try ModelFile.load(joint).notes
        #expect(jointNotes["selected_on"] == "validation and photos")
        #expect(jointNotes["epoch"] == "\(firstBest.epoch)")
        #expect(jointNotes["photo_accuracy"] == String(format: "%.4f", firstBest.photoAccuracy!))
        let jointRight = zip(try Classifier(contentsOf: joint, tta: .flip).probabilities(for: photos.crops), photos.emotions)
            .filter { Emotion.mostProbable($0.0) == $0.1 }.count
        #expect(firstBest.photoAccuracy == Double(jointRight) / 16, "\(jointRight) of 16")
        // Logged as a field of the epoch's record; records without it still read.
        let line = try JSONEncoder().encode(best)
        #expect(String(decoding: line, as: UTF8.self).contains("\"photoAccuracy\""))
        var plain = best
        plain.photoAccuracy = nil
        #expect(try JSONDecoder().decode(EpochRecord.self, from: JSONEncoder().encode(plain)) == plain)
    }

    @Test func facesAreResampledTo48ButKeepTheirLabels() {
        var photos = PhotoFaces()
        photos.crops = [GrayImage(width: 96, height: 96, fill: 200), GrayImage(width: 30, height: 30, fill: 10)]
        photos.emotions = [.fear, .surprise]
        photos.paths = ["x.png", "y.png"]
        photos.unreadable = [("z.png", .angry)]
        let labeled = photos.labeled
        #expect(labeled.count == 2 && labeled.labels == [.fear, .surprise] && labeled.paths == ["x.png", "y.png"])
        #expect(labeled.face(0).pixels.allSatisfy { $0 == 200 } && labeled.face(1).pixels.allSatisfy { $0 == 10 })
        #expect(photos.photos == 3)
    }
}
