import Expression
import Foundation
import Imaging
import NeuralNet
import Testing
import TestSupport

/// The "why" view explains what the classifier serves: same probabilities, the predicted emotion, a map
/// over the face scaled to 0...1; with mirror averaging, a face and its mirror image get mirrored maps.
struct FaceExplainerTests {
    @Test(arguments: [false, true])
    func explainsTheServedPrediction(mirrored: Bool) throws {
        let model = try ServingParityTests.model()
        let classifier = try Classifier(model: model, tta: mirrored ? .flip : .none)
        let faces = ServingParityTests.faces(count: 5)
        let before = classifier.probabilities(for: [faces.face(0)])[0]
        let explainer = try FaceExplainer(classifier: classifier)
        for i in 0..<faces.count {
            let face = faces.face(i)
            let served = classifier.probabilities(for: [face])[0]
            let explanation = explainer.explain(face)
            #expect(zip(served, explanation.probabilities).allSatisfy { abs($0 - $1) < 1e-5 })
            #expect(explanation.emotion.rawValue == served.indices.max { served[$0] < served[$1] })
            #expect(explanation.side == 48 && explanation.heat.count == 48 * 48)
            #expect(explanation.heat.allSatisfy { $0 >= 0 && $0 <= 1 } && explanation.heat.max() == 1)
            // Another emotion can be asked for, and gives another map.
            let other = Emotion.allCases.first { $0 != explanation.emotion }!
            #expect(explainer.explain(face, emotion: other).heat != explanation.heat)
        }
        // The classifier's own network is untouched: it still serves the same numbers.
        #expect(classifier.probabilities(for: [faces.face(0)])[0] == before)
    }

    @Test func mirrorAveragedMapsOfMirrorImagesAreMirrored() throws {
        let classifier = try Classifier(model: try ServingParityTests.model(), tta: .flip)
        let explainer = try FaceExplainer(classifier: classifier)
        let face = ServingParityTests.faces(count: 1).face(0)
        var mirror = face
        for y in 0..<48 { for x in 0..<48 { mirror.pixels[y * 48 + x] = face.pixels[y * 48 + 47 - x] } }
        let a = explainer.explain(face), b = explainer.explain(mirror)
        #expect(a.emotion == b.emotion)
        for y in 0..<48 { for x in 0..<48 { #expect(abs(a.heat[y * 48 + x] - b.heat[y * 48 + 47 - x]) < 1e-4) } }
    }

    @Test func refusesAModelWithoutConvolutionsClearly() throws {
        let network = try Sequential(inputShape: [48, 48, 1], layers: [.flatten, .dense(7), .softmax])
        let model = ModelFile(network: network, classNames: Emotion.classNames, normalization: .unitRange)
        let classifier = try Classifier(model: model, url: URL(fileURLWithPath: "/models/flat.safetensors"))
        #expect { try FaceExplainer(classifier: classifier) } throws: { error in
            "\(error)".contains("/models/flat.safetensors") && "\(error)".contains("no convolutional layer")
        }
    }

    /// On the shipped model and real faces: a map over the face with its peak inside the picture, computed
    /// without disturbing the classifier.
    @Test(.enabled(if: TestData.hasFER2013, "\(TestData.fer2013MissingReason)"))
    func shippedModelExplainsRealFaces() throws {
        let classifier = try Classifier(contentsOf: TestData.repositoryRoot.appendingPathComponent(
            "Resources/Models/emoscope-compact.safetensors"))
        let explainer = try FaceExplainer(classifier: classifier)
        let folder = TestData.fer2013Root.appendingPathComponent("val/happy")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().prefix(5)
        for file in files {
            let face = try GrayImage(contentsOf: folder.appendingPathComponent(file))
            let explanation = explainer.explain(face)
            let served = classifier.probabilities(for: [face])[0]
            #expect(zip(served, explanation.probabilities).allSatisfy { abs($0 - $1) < 1e-4 }, "\(file)")
            #expect(explanation.heat.max() == 1, "\(file): an empty map")
        }
    }
}
