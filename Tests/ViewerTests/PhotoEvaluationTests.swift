import Expression
import Foundation
import Imaging
import Live
import Testing
import TestSupport

/// `eval --detect` on generated photos with a detector and a classifier whose answers are known.
struct PhotoEvaluationTests {
    /// A detector that finds a face only in photos brighter than mid-gray.
    final class BrightDetector: FaceDetecting, @unchecked Sendable {
        func detectFaces(in image: GrayImage) -> [PixelRect] {
            image.pixels[0] > 128 ? [PixelRect(x: 2, y: 2, width: 20, height: 20), PixelRect(x: 30, y: 30, width: 8, height: 8)] : []
        }
    }

    /// Says "happy" for every face, and records the sizes of the crops it was given.
    final class HappyClassifier: EmotionClassifying, @unchecked Sendable {
        let modelName = "happy"
        var sizes: [Int] = []
        func probabilities(for faces: [GrayImage]) -> [[Float]] {
            sizes += faces.map(\.width)
            return faces.map { _ in [0, 0, 0, 1, 0, 0, 0] }
        }
    }

    @Test func largestFaceIsClassifiedAndPhotosWithoutOneCountAsWrong() throws {
        let folder = try TestData.temporaryDirectory("photos")
        defer { try? FileManager.default.removeItem(at: folder) }
        var photos: [(path: String, emotion: Emotion)] = []
        for (i, (emotion, brightness)) in [(Emotion.happy, 200), (.happy, 200), (.sad, 200), (.happy, 50)].enumerated() {
            let url = folder.appendingPathComponent("\(i).png")
            try GrayImage(width: 64, height: 48, fill: UInt8(brightness)).writePNG(to: url)
            photos.append((url.path, emotion))
        }
        photos.append((folder.appendingPathComponent("missing.png").path, .fear))
        let classifier = HappyClassifier()
        let result = PhotoEvaluation.run(photos, detector: BrightDetector(), classifier: classifier,
                                         framing: FaceFraming(scale: 1.5))
        #expect(result.photos == 5)
        #expect(result.confusion.correct == 2)
        #expect(abs(result.accuracy - 0.4) < 1e-9)
        #expect(result.noFace.map(\.path) == [photos[3].path])
        #expect(result.unreadable.map(\.path) == [photos[4].path])
        #expect(abs(result.recall(Emotion.happy.rawValue) - 2.0 / 3) < 1e-9, "the photo without a face is a miss")
        // What `eval --compare` pairs by: the photos right, never one without a face or unreadable.
        #expect(result.rightPaths == [photos[0].path, photos[1].path])
        // The largest face of each photo (boxes of 20 and 8 px, framed at 1.5x) is the one classified.
        #expect(classifier.sizes == [30, 30, 30])
        // Training's photo check finds the same faces.
        let found = PhotoFaces.find(photos, detector: BrightDetector(), framing: FaceFraming(scale: 1.5))
        #expect(found.crops.map(\.width) == [30, 30, 30] && found.emotions == [.happy, .happy, .sad])
        #expect(found.noFace.map(\.path) == [photos[3].path] && found.unreadable.map(\.path) == [photos[4].path])
        #expect(found.photos == 5 && found.labeled.count == 3)
    }

    /// Reads a faint frown (brightness 210) as a little angrier than a resting face (200); neutral wins both.
    final class SubtleClassifier: EmotionClassifying, @unchecked Sendable {
        let modelName = "subtle"
        func probabilities(for faces: [GrayImage]) -> [[Float]] {
            faces.map { $0.pixels[0] > 205 ? [0.10, 0.04, 0.06, 0.03, 0.55, 0.19, 0.03] : [0.03, 0.03, 0.06, 0.05, 0.63, 0.15, 0.05] }
        }
    }

    @Test func eachPersonsFacesAreReadAgainstTheirUsualFace() throws {
        let folder = try TestData.temporaryDirectory("people")
        defer { try? FileManager.default.removeItem(at: folder) }
        var photos: [(path: String, emotion: Emotion)] = []
        for (name, emotion, brightness) in [("ann-1", Emotion.neutral, 200), ("ann-2", .neutral, 200), ("ann-3", .angry, 210),
                                            ("bob-1", .angry, 210)] {
            let url = folder.appendingPathComponent("\(name).png")
            try GrayImage(width: 64, height: 48, fill: UInt8(brightness)).writePNG(to: url)
            photos.append((url.path, emotion))
        }
        let classified = PhotoEvaluation.classify(photos, detector: BrightDetector(), classifier: SubtleClassifier(),
                                                  framing: .detectorBox)
        let asRead = PhotoEvaluation(classified)
        #expect(asRead.confusion.correct == 2, "the network alone calls every face neutral")
        let perPerson = PhotoEvaluation(classified) { path in
            URL(fileURLWithPath: path).lastPathComponent.split(separator: "-").first.map(String.init)
        }
        // Ann's frown is angry against her usual face; her resting faces stay neutral; Bob has no other
        // photo to learn his usual face from, so his is read as the network reads it.
        #expect(perPerson.confusion.correct == 3)
        #expect(perPerson.confusion.counts[Emotion.angry.rawValue][Emotion.angry.rawValue] == 1)
        #expect(perPerson.confusion.counts[Emotion.angry.rawValue][Emotion.neutral.rawValue] == 1)
    }
}

struct FaceFramingTests {
    @Test func regionIsASquareAroundTheBoxShiftedAsAsked() {
        let framing = FaceFraming(scale: 1.5, centerOffsetY: 0.1)
        let region = framing.region(for: PixelRect(x: 100, y: 50, width: 40, height: 40))
        #expect(region == PixelRect(x: 90, y: 44, width: 60, height: 60))
        #expect(FaceFraming.detectorBox.region(for: PixelRect(x: 3, y: 4, width: 10, height: 10)) == PixelRect(x: 3, y: 4, width: 10, height: 10))
    }

    @Test func cropsReachingOutsideRepeatTheEdges() {
        let image = GrayImage(width: 3, height: 2, pixels: [1, 2, 3, 4, 5, 6])
        let crop = image.extracting(PixelRect(x: -1, y: -1, width: 5, height: 4))
        #expect(crop.pixels == [1, 1, 2, 3, 3,
                                1, 1, 2, 3, 3,
                                4, 4, 5, 6, 6,
                                4, 4, 5, 6, 6])
    }

    @Test func measuredFramingReproducesTheCrop() {
        // Boxes of 40 px centred 2 px above the middle of 48 px crops: the crop is 1.2 boxes wide, centred
        // 0.05 box heights below the box's centre.
        let boxes = Array(repeating: PixelRect(x: 4, y: 2, width: 40, height: 40), count: 5)
        let framing = FaceFraming.measured(boxes: boxes, cropSide: 48)
        #expect(framing == FaceFraming(scale: 1.2, centerOffsetY: 0.05))
        #expect(framing?.region(for: boxes[0]) == PixelRect(x: 0, y: 0, width: 48, height: 48))
    }
}
