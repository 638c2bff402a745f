import Imaging
import Expression
import Foundation
import KerasImport
import NeuralNet
import Testing
import TestSupport

/// Keras models imported from the files made by Tests/Fixtures/keras-import/make_fixtures.py must give
/// Keras's own predictions (|difference| ≤ 1e-5 on probabilities).
@Suite struct KerasImportTests {
    typealias Files = KerasFixtureFiles
    static let tolerance: Float = 1e-5

    @Test func tutorialStyleFilesGiveKerasPredictions() throws {
        let model = try KerasImporter.load(modelJSON: Files.modelJSON, weights: Files.weights, classNames: Files.classNames)
        let expected = try Files.predictions()
        #expect(model.normalization == InputNormalization(scale: 1, offset: 0), "the tutorial's raw 0-255 input")
        #expect(model.classNames == expected.classes)
        let ours = try Files.probabilities(of: model.network, scale: model.normalization.scale)
        let difference = Files.largestDifference(ours, expected.probabilities)
        #expect(difference <= Self.tolerance, "largest difference \(difference)")
    }

    /// `model.save("x.h5")` keeps the weights under /model_weights; Keras 3 has its own JSON and layout.
    @Test(arguments: [("model.json", "full-model.h5"), ("model-keras3.json", "weights-keras3.weights.h5")])
    func otherKerasLayoutsGiveTheSamePredictions(_ json: String, _ weights: String) throws {
        let model = try KerasImporter.load(modelJSON: Files.url(json), weights: Files.url(weights), classNames: Files.classNames)
        let ours = try Files.probabilities(of: model.network, scale: 1)
        let difference = Files.largestDifference(ours, try Files.predictions().probabilities)
        #expect(difference <= Self.tolerance, "\(json) + \(weights): largest difference \(difference)")
    }

    @Test func inputScaleIsAnOption() throws {
        let model = try KerasImporter.load(modelJSON: Files.modelJSON, weights: Files.weights, classNames: Files.classNames,
                                           inputScale: 1 / 255)
        #expect(model.normalization == InputNormalization(scale: 1 / 255, offset: 0))
        #expect(throws: KerasImportError.self) {
            try KerasImporter.load(modelJSON: Files.modelJSON, weights: Files.weights, classNames: Files.classNames, inputScale: 0)
        }
    }

    @Test func tutorialArchitectureImportsLayerForLayer() throws {
        let architecture = try KerasImporter.architecture(of: Files.url("tutorial.json"))
        #expect(architecture == EmotionArchitecture.tutorial.architecture)
        #expect(try Sequential(architecture).parameterCount == 2_735_751)
    }

    @Test func importedModelSurvivesSavingAsSafetensors() throws {
        let folder = try TestData.temporaryDirectory("keras-import")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("imported.safetensors")
        try KerasImporter.load(modelJSON: Files.modelJSON, weights: Files.weights, classNames: Files.classNames).save(to: out)
        let reloaded = try ModelFile.load(out)
        let difference = Files.largestDifference(try Files.probabilities(of: reloaded.network, scale: reloaded.normalization.scale),
                                                 try Files.predictions().probabilities)
        #expect(difference <= Self.tolerance)
        #expect(reloaded.notes["imported_from"] == "Keras model.json + weights.h5")
    }

    /// The app opens a Keras model.json directly, finding `<stem>.h5` beside it.
    @Test func appOpensKerasFilesBesideEachOther() throws {
        let folder = try TestData.temporaryDirectory("keras-open")
        defer { try? FileManager.default.removeItem(at: folder) }
        let json = folder.appendingPathComponent("emotions.json")
        try FileManager.default.copyItem(at: Files.modelJSON, to: json)
        #expect(throws: KerasImportError.self) { try ModelOpening.open(json) }
        try FileManager.default.copyItem(at: Files.weights, to: folder.appendingPathComponent("emotions_weights.h5"))
        let model = try ModelOpening.open(json)
        #expect(model.classNames == Emotion.allCases.map(\.name))
        let classifier = try Classifier(opening: json, tta: .none)
        #expect(classifier.modelName == "emotions")
        let explicit = try ModelOpening.open(Files.modelJSON, kerasWeights: Files.url("full-model.h5"))
        #expect(explicit.network.parameterCount == model.network.parameterCount)
    }
}
