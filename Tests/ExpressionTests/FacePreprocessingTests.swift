import Expression
import Foundation
import Imaging
import NeuralNet
import Testing
import TestSupport

struct FacePreprocessingTests {
    /// The textbook histogram equalisation in Double: level v maps to
    /// round(255 · (cdf(v) − cdf(lowest)) / (count − cdf(lowest))), exact halves to even as OpenCV rounds;
    /// an image of one level stays as it is.
    static func reference(_ image: GrayImage) -> [UInt8] {
        var histogram = [Int](repeating: 0, count: 256)
        for p in image.pixels { histogram[Int(p)] += 1 }
        let lowest = histogram.firstIndex { $0 > 0 }!
        let count = image.pixels.count
        if histogram[lowest] == count { return image.pixels }
        var cdf = 0
        var map = [UInt8](repeating: 0, count: 256)
        for v in 0..<256 {
            cdf += histogram[v]
            let value = Double(cdf - histogram[lowest]) * 255 / Double(count - histogram[lowest])
            map[v] = UInt8(min(255, max(0, value.rounded(.toNearestOrEven))))
        }
        return image.pixels.map { map[Int($0)] }
    }

    static func randomImage(width: Int, height: Int, levels: ClosedRange<Int>, seed: UInt64) -> GrayImage {
        var generator = SeededGenerator(seed: seed)
        let span = Float(levels.count)
        var pixels = [UInt8]()
        for _ in 0..<(width * height) {
            let step: Int = min(levels.count - 1, Int(generator.nextUnit() * span))
            pixels.append(UInt8(levels.lowerBound + step))
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    @Test(arguments: [(48, 48, 0...255), (48, 48, 90...130), (7, 3, 0...255), (1, 1, 0...255), (64, 1, 200...201)])
    func equalisationMatchesTheDefinition(width: Int, height: Int, levels: ClosedRange<Int>) {
        let image = Self.randomImage(width: width, height: height, levels: levels, seed: UInt64(width * 31 + levels.lowerBound))
        #expect(image.equalized().pixels == Self.reference(image))
    }

    @Test func aFlatImageStaysFlatAndAnEmptyOneEmpty() {
        #expect(GrayImage(width: 5, height: 4, fill: 77).equalized().pixels == [UInt8](repeating: 77, count: 20))
        #expect(GrayImage(width: 0, height: 0).equalized().pixels.isEmpty)
    }

    @Test func notesNameThePreprocessing() {
        #expect(FacePreprocessing(notes: [:]) == FacePreprocessing.none)
        #expect(FacePreprocessing(notes: ["preprocessing": "equalize"]) == .equalize)
        #expect(FacePreprocessing(notes: ["preprocessing": "sharpen"]) == nil)
        #expect(FacePreprocessing.none.note.isEmpty)
    }

    static func model(preprocessing: FacePreprocessing) throws -> ModelFile {
        let network = try Sequential(EmotionArchitecture.tiny.architecture, seed: 5)
        return ModelFile(network: network, classNames: Emotion.classNames, normalization: .unitRange,
                         notes: preprocessing.note)
    }

    /// What a user sees: with equalisation, a face shown darker and flatter (a dim webcam) gets the same
    /// answer as the face itself; without it, the answer moves.
    @Test func anEqualizingModelIgnoresExposureAndContrast() throws {
        // A dim, flat face (levels 0-127) and the same face brighter with twice the contrast (2v + 1): the
        // change of levels keeps their order and never merges two, so equalising gives the same face.
        let dim = Self.randomImage(width: 48, height: 48, levels: 0...127, seed: 3)
        let bright = GrayImage(width: 48, height: 48, pixels: dim.pixels.map { 2 * $0 + 1 })
        let equalizing = try Classifier(model: Self.model(preprocessing: .equalize))
        let plain = try Classifier(model: Self.model(preprocessing: .none))
        #expect(equalizing.preprocessing == .equalize)
        let same = equalizing.probabilities(for: [dim, bright])
        let differ = plain.probabilities(for: [dim, bright])
        #expect(zip(same[0], same[1]).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(zip(differ[0], differ[1]).contains { abs($0 - $1) > 1e-3 })
        #expect(abs(same[0].reduce(0, +) - 1) < 1e-5)
    }

    @Test func aModelNamingAnUnknownPreprocessingIsRefusedByName() throws {
        var model = try Self.model(preprocessing: .none)
        model.notes["preprocessing"] = "sharpen"
        let url = URL(fileURLWithPath: "/models/newer.safetensors")
        #expect {
            _ = try Classifier(model: model, url: url)
        } throws: { "\($0)".contains("newer.safetensors") && "\($0)".contains("sharpen") }
    }

    @Test func everyFaceOfASplitIsProcessedAndLabelsStay() {
        let faces = ServingParityTests.faces(count: 5)
        let processed = FacePreprocessing.equalize.apply(faces)
        #expect(processed.labels == faces.labels && processed.paths == faces.paths)
        for i in 0..<faces.count { #expect(processed.face(i).pixels == faces.face(i).equalized().pixels) }
        #expect(FacePreprocessing.none.apply(faces) == faces)
    }
}
