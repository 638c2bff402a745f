import Expression
import Imaging
import NeuralNet
import Testing

/// A live window classifies a crowd in turns (`Classifier.largestBatch`) so the network's buffers stay small;
/// the answers must be those of one pass.
struct ClassifierTurnsTests {
    @Test(arguments: [TestTimeAugmentation.flip, .zoom, .contrast])
    func facesInTurnsGetTheAnswersOfOnePass(tta: TestTimeAugmentation) throws {
        let network = try Sequential(EmotionArchitecture.tiny.architecture, seed: 5)
        let model = ModelFile(network: network, classNames: Emotion.classNames, normalization: .unitRange)
        var generator = SeededGenerator(seed: 6)
        let faces = (0..<7).map { _ in
            GrayImage(width: 48, height: 48, pixels: (0..<48 * 48).map { _ in UInt8(generator.nextUnit() * 255) })
        }
        let whole = try Classifier(model: model, tta: tta).probabilities(for: faces)
        for largest in [8, 3, 1] {
            let classifier = try Classifier(model: model, tta: tta)
            classifier.largestBatch = largest
            let turns = classifier.probabilities(for: faces)
            #expect(turns.count == faces.count)
            for (a, b) in zip(whole, turns) {
                #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 }, "\(tta), \(largest) images a pass: \(a) vs \(b)")
            }
        }
    }
}
