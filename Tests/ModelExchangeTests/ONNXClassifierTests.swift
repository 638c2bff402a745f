import Expression
import Foundation
import Imaging
import ModelExchange
import NeuralNet
import ONNXFormat
import Testing
import TestSupport

/// An exported model run through `ONNXClassifier` (OpenCV's dnn) classifies as `Classifier` (NeuralNet) does.
@Suite struct ONNXClassifierTests {
    typealias Models = ONNXTestModels

    func faces(_ count: Int, height: Int = 48, width: Int = 48, seed: UInt64 = 9) -> [GrayImage] {
        let pixels = Models.pixels(count: count, height: height, width: width, seed: seed)
        return (0..<count).map { GrayImage(width: width, height: height, pixels: Array(pixels[($0 * height * width)..<(($0 + 1) * height * width)])) }
    }

    /// As `export-onnx` writes it: a decision bias in the model's notes is folded into the graph.
    func exported(_ model: ModelFile, metadata: [String: String] = [:]) throws -> URL {
        let bias = DecisionBias(notes: model.notes, classes: model.classNames.count)
        return try Models.write(ONNXExporter.data(of: model.network, classNames: model.classNames,
                                                  normalization: model.normalization, logitOffsets: bias?.offsets,
                                                  metadata: metadata), "model.onnx")
    }

    @Test(arguments: [false, true])
    func shippedModelGivesTheSameAnswers(flip: Bool) throws {
        let model = try ModelFile.load(Models.shippedModel)
        let onnx = try ONNXClassifier(contentsOf: exported(model), averagesFlip: flip)
        let native = try Classifier(model: model, tta: flip ? .flip : .none)
        // Faces of another size are resized the same way by both.
        let batch = faces(6) + faces(2, height: 61, width: 53, seed: 2)
        let expected = native.probabilities(for: batch), got = try onnx.classify(batch)
        for (a, b) in zip(expected, got) {
            #expect(a.indices.max { a[$0] < a[$1] } == b.indices.max { b[$0] < b[$1] }, "same label")
            #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-4 }, "\(a) vs \(b)")
        }
    }

    @Test func anEqualizingModelIsEqualizedThroughONNXToo() throws {
        // The exporter copies the model's notes to note.* metadata; equalisation has no ONNX operator, so
        // the ONNX classifier must apply it itself to answer as the native classifier does.
        let model = ModelFile(network: try Models.network(Models.globalPool, inputShape: [48, 48, 1], seed: 8),
                              classNames: Models.classNames, normalization: .unitRange, notes: ["preprocessing": "equalize"])
        let onnx = try ONNXClassifier(contentsOf: exported(model, metadata: ["note.preprocessing": "equalize"]), averagesFlip: false)
        #expect(onnx.preprocessing == .equalize)
        let native = try Classifier(model: model, tta: .none)
        let batch = faces(4, height: 57, width: 50)
        for (a, b) in zip(native.probabilities(for: batch), try onnx.classify(batch)) {
            #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 }, "\(a) vs \(b)")
        }
        let unknown = try exported(model, metadata: ["note.preprocessing": "sharpen"])
        #expect { _ = try ONNXClassifier(contentsOf: unknown) } throws: { "\($0)".contains(unknown.path) && "\($0)".contains("sharpen") }
    }

    @Test func classOrderComesFromTheMetadata() throws {
        // A file whose outputs are in reverse Emotion order still gives probabilities in Emotion order.
        let network = try Models.network(Models.globalPool, inputShape: [48, 48, 1], seed: 8)
        let reversed = ModelFile(network: network, classNames: Models.classNames.reversed(), normalization: .unitRange)
        let url = try exported(reversed)
        let onnx = try ONNXClassifier(contentsOf: url, averagesFlip: false)
        let native = try Classifier(model: reversed, tta: .none)
        let batch = faces(3)
        for (a, b) in zip(native.probabilities(for: batch), try onnx.classify(batch)) {
            #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 })
        }
        #expect(onnx.outputsProbabilities)
    }

    @Test func settingsStandInForMissingMetadata() throws {
        let model = ModelFile(network: try Models.network(Models.globalPool, inputShape: [48, 48, 1], seed: 8),
                              classNames: Models.classNames, normalization: .unitRange)
        var proto = try ONNXModelProto(serializedBytes: try Data(contentsOf: exported(model)))
        proto.metadataProps = []
        let url = try Models.write(try proto.serializedData(), "bare.onnx")
        #expect {
            _ = try ONNXClassifier(contentsOf: url)
        } throws: { "\($0)".contains(url.path) && "\($0)".contains("--classes") }
        // The exported graph normalises itself: told so (raw pixels in), it gives the native answers.
        let raw = InputNormalization(scale: 1, offset: 0)
        let onnx = try ONNXClassifier(contentsOf: url, settings: .init(classNames: Models.classNames, normalization: raw),
                                      averagesFlip: false)
        let native = try Classifier(model: model, tta: .none)
        for (a, b) in zip(native.probabilities(for: faces(2)), try onnx.classify(faces(2))) {
            #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 })
        }
        // Left at its default (pixels / 255, for foreign files without metadata) the input is not what it expects.
        let unit = try ONNXClassifier(contentsOf: url, settings: .init(classNames: Models.classNames), averagesFlip: false)
        #expect(unit.normalization == .unitRange)

        // An input whose size is left open needs --input-size.
        for index in [2, 3] { proto.graph.input[0].type.tensorType.shape.dim[index].dimParam = "S" }
        let open = try Models.write(try proto.serializedData(), "open.onnx")
        #expect {
            _ = try ONNXClassifier(contentsOf: open, settings: .init(classNames: Models.classNames))
        } throws: { "\($0)".contains("--input-size") }
        let sized = try ONNXClassifier(contentsOf: open, settings: .init(classNames: Models.classNames, inputSize: 48,
                                                                         normalization: raw), averagesFlip: false)
        #expect((sized.inputHeight, sized.inputWidth) == (48, 48))
        for (a, b) in zip(native.probabilities(for: faces(2)), try sized.classify(faces(2))) {
            #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 })
        }
    }
}
