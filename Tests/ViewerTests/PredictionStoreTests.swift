import Expression
import Foundation
import Imaging
import Live
import Testing
import TestSupport
@testable import Viewer

/// Finished splits survive a restart through the disk cache, only for the same model and faces, and a
/// damaged file is predicted anew rather than trusted.
struct PredictionStoreTests {
    final class Fixed: EmotionClassifying, @unchecked Sendable {
        let modelName = "fixed"
        let fingerprint: UInt64?
        init(_ fingerprint: UInt64?) { self.fingerprint = fingerprint }
        func probabilities(for faces: [GrayImage]) -> [[Float]] { faces.map { _ in [0.1, 0.1, 0.1, 0.4, 0.1, 0.1, 0.1] } }
    }

    static func faces(_ count: Int) -> LabeledFaces {
        var faces = LabeledFaces()
        for i in 0..<count { faces.append([UInt8](repeating: UInt8(i), count: 2304), label: .sad, path: "\(i)") }
        return faces
    }

    @Test func finishedSplitsSurviveARestartForTheSameModelOnly() throws {
        let directory = try TestData.temporaryDirectory("predictions")
        defer { try? FileManager.default.removeItem(at: directory) }
        let faces = Self.faces(5)
        let probabilities: [[Float]?] = (0..<5).map { i in (0..<7).map { Float(i * 7 + $0) / 100 } }
        let model = Fixed(42)
        let key = PredictionStore.Key(classifier: model, root: "/data", split: "val", faces: FaceFingerprint(faces))
        PredictionStore(directory: directory).save(probabilities, for: key)

        let restarted = PredictionStore(directory: directory)
        let read = try #require(restarted.predictions(for: key))
        #expect(read.map { $0! } == probabilities.map { $0! })
        // The same numbers for another classifier object of the same model, after a restart.
        let sameModel = PredictionStore.Key(classifier: Fixed(42), root: "/data", split: "val", faces: FaceFingerprint(faces))
        #expect(PredictionStore(directory: directory).predictions(for: sameModel) != nil)
        // Another model, split or set of faces: nothing.
        for other in [PredictionStore.Key(classifier: Fixed(43), root: "/data", split: "val", faces: FaceFingerprint(faces)),
                      PredictionStore.Key(classifier: model, root: "/data", split: "train", faces: FaceFingerprint(faces)),
                      PredictionStore.Key(classifier: model, root: "/data", split: "val", faces: FaceFingerprint(Self.faces(6)))] {
            #expect(PredictionStore(directory: directory).predictions(for: other) == nil)
        }
        // A classifier without a fingerprint is never written to disk.
        let anonymous = PredictionStore.Key(classifier: Fixed(nil), root: "/data", split: "val", faces: FaceFingerprint(faces))
        PredictionStore(directory: directory).save(probabilities, for: anonymous)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 1)
    }

    @Test func damagedFilesAreIgnored() throws {
        let directory = try TestData.temporaryDirectory("predictions")
        defer { try? FileManager.default.removeItem(at: directory) }
        let faces = Self.faces(3)
        let key = PredictionStore.Key(classifier: Fixed(7), root: "/d", split: "val", faces: FaceFingerprint(faces))
        let store = PredictionStore(directory: directory)
        store.save([[Float]?](repeating: [Float](repeating: 1 / 7, count: 7), count: 3), for: key)
        let file = try #require(store.file(for: key))
        let good = try Data(contentsOf: file)
        for damaged in [good.dropLast(4), good + Data([0]), Data("EMOPRED0".utf8) + good.dropFirst(8),
                        good.prefix(good.count - 4) + Data([0, 0, 0xC0, 0x7F])] {  // truncated, longer, magic, a NaN
            try Data(damaged).write(to: file)
            #expect(PredictionStore(directory: directory).predictions(for: key) == nil)
        }
    }
}
