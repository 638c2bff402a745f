import Expression
import Imaging
import NeuralNet
import Testing

/// What is measured is what is served: the classifier (live view, predict) and the evaluation (eval,
/// validation in training) turn the same faces into the same probabilities, with every test-time augmentation.
struct ServingParityTests {
    /// Faces of random texture, so that a face and its mirror image differ.
    static func faces(count: Int) -> LabeledFaces {
        var generator = SeededGenerator(seed: 11)
        var faces = LabeledFaces()
        for n in 0..<count {
            let pixels = (0..<LabeledFaces.faceSize).map { _ in UInt8(generator.nextUnit() * 255) }
            faces.append(pixels, label: Emotion.allCases[n % 7], path: "face\(n)")
        }
        return faces
    }

    static func model() throws -> ModelFile {
        let network = try Sequential(EmotionArchitecture.tiny.architecture, seed: 5)
        return ModelFile(network: network, classNames: Emotion.classNames,
                         normalization: InputNormalization(scale: 1 / 127.5, offset: -1), notes: [:])
    }

    @Test(arguments: TestTimeAugmentation.allCases)
    func classifierAndEvaluationAgree(tta: TestTimeAugmentation) throws {
        let faces = Self.faces(count: 37)
        let model = try Self.model()
        let evaluated = Evaluation.probabilities(model.network, on: faces, normalization: model.normalization,
                                                 tta: tta, batchSize: 16)
        let classifier = try Classifier(model: model, tta: tta)
        let served = classifier.probabilities(for: (0..<faces.count).map(faces.face))
        #expect(served.count == faces.count && evaluated.count == faces.count)
        for (a, b) in zip(served, evaluated) {
            #expect(abs(a.reduce(0, +) - 1) < 1e-5)
            #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-6 }, "\(a) against \(b)")
        }
    }

    @Test func mirrorAveragingChangesTheAnswer() throws {
        let faces = Self.faces(count: 8)
        let model = try Self.model()
        let plain = Evaluation.probabilities(model.network, on: faces, normalization: model.normalization, tta: .none)
        let averaged = Evaluation.probabilities(model.network, on: faces, normalization: model.normalization, tta: .flip)
        let largest = zip(plain.joined(), averaged.joined()).map { abs($0 - $1) }.max() ?? 0
        #expect(largest > 1e-4, "the parity test above would not notice a mirror that is never applied")
    }
}
