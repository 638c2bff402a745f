import Expression
import Foundation
import Imaging
import ModelExchange
import NeuralNet
import ONNXFormat
import Testing
import TestSupport

/// Exported files run by OpenCV's dnn module (in process) give NeuralNet's own probabilities.
@Suite struct ONNXExportTests {
    typealias Models = ONNXTestModels

    /// Runs the exported bytes through OpenCV on raw pixels and returns the largest difference from NeuralNet.
    func largestDifference(_ network: Sequential, normalization: InputNormalization, logitOffsets: [Float]? = nil,
                           count: Int = 5) throws -> Float {
        let data = try ONNXExporter.data(of: network, classNames: Models.classNames, normalization: normalization,
                                         logitOffsets: logitOffsets)
        let (h, w) = (network.inputShape[0], network.inputShape[1])
        let pixels = Models.pixels(count: count, height: h, width: w)
        let expected = Models.reference(network, pixels: pixels, normalization: normalization, logitOffsets: logitOffsets)
        let dnn = try DNNNetwork(onnx: data, path: "exported.onnx")
        let (values, shape) = try dnn.forward(pixels.map(Float.init), shape: [count, 1, h, w])
        #expect(shape == [count, 7])
        var largest: Float = 0
        for n in 0..<count {
            #expect(abs(values[(n * 7)..<(n * 7 + 7)].reduce(0, +) - 1) < 1e-5, "image \(n)'s probabilities sum to 1")
            for j in 0..<7 { largest = max(largest, abs(values[n * 7 + j] - expected[n][j])) }
        }
        return largest
    }

    @Test func everyLayerKindMatchesNeuralNet() throws {
        let network = try Models.network(Models.everyLayer, inputShape: [20, 16, 1], seed: 3)
        let difference = try largestDifference(network, normalization: .unitRange)
        #expect(difference < 1e-5, "OpenCV vs NeuralNet: \(difference)")
    }

    @Test func globalPoolingAndLogitsMatchNeuralNet() throws {
        let network = try Models.network(Models.globalPool, inputShape: [20, 16, 1], seed: 4)
        // An offset makes the padded border differ from a normalisation folded into the first convolution.
        let normalization = InputNormalization(scale: 1 / 127.5, offset: -1)
        let difference = try largestDifference(network, normalization: normalization)
        #expect(difference < 1e-5, "OpenCV vs NeuralNet: \(difference)")
    }

    @Test func decisionBiasShiftsTheLogits() throws {
        let network = try Models.network(Models.globalPool, inputShape: [20, 16, 1], seed: 6)
        let offsets: [Float] = [0.8, -1.2, 0.1, 0, -0.3, 0.5, 2]
        #expect(try largestDifference(network, normalization: .unitRange, logitOffsets: offsets) < 1e-5)
    }

    @Test func graphMatchesNeuralNet() throws {
        let network = try Models.network(Models.graph.layers, inputs: Models.graph.inputs, inputShape: [12, 10, 1], seed: 8)
        #expect(!network.isChain)
        let normalization = InputNormalization(scale: 1 / 127.5, offset: -1)
        let difference = try largestDifference(network, normalization: normalization, count: 6)
        #expect(difference < 1e-4, "OpenCV vs NeuralNet on a graph: \(difference)")
    }

    @Test func graphNodesBecomeONNXNodes() throws {
        let network = try Models.network(Models.graph.layers, inputs: Models.graph.inputs, inputShape: [12, 10, 1], seed: 8)
        let model = try ONNXExporter.model(of: network, classNames: Models.classNames, normalization: .unitRange)
        let nodes = model.graph.node
        func count(_ opType: String) -> Int { nodes.filter { $0.opType == opType }.count }
        // 2 plain convolutions, 2 depthwise, 2 separable as two each; the three-input Add as two Adds.
        #expect(count("Conv") == 8)
        #expect(count("Add") == 2)
        #expect(count("Concat") == 2)
        #expect(count("MaxPool") == 2)
        let groups = nodes.filter { $0.opType == "Conv" }.map { node in node.attribute.first { $0.name == "group" }?.i ?? 1 }
        #expect(groups.sorted() == [1, 1, 1, 1, 4, 4, 4, 12])
        let join = try #require(nodes.first { $0.opType == "Concat" })
        #expect(join.attribute.first { $0.name == "axis" }?.i == 1, "NeuralNet's channel axis is NCHW's axis 1")
        let pooling = nodes.filter { $0.opType == "MaxPool" }.map { $0.attribute.first { $0.name == "pads" }?.ints ?? [] }
        // TensorFlow's `same`: the odd pixel of padding at the bottom/right.
        #expect(pooling == [[0, 0, 1, 1], [0, 0, 0, 1]])
        // For a check with onnxruntime outside Swift (scripts/check-onnx.py needs a model file, not a test graph).
        if let folder = ProcessInfo.processInfo.environment["EMOSCOPE_ONNX_OUT"] {
            try model.serializedData().write(to: URL(fileURLWithPath: folder).appendingPathComponent("graph.onnx"))
        }
    }

    /// The residual network Emoscope trains, and a pair of it with `compact`, as exported: OpenCV's answers.
    @Test func residualArchitectureMatchesNeuralNet() throws {
        let shape = EmotionArchitecture.residual.architecture
        let residual = try Models.network(shape.layers, inputs: shape.inputs, inputShape: shape.inputShape, seed: 14)
        #expect(try largestDifference(residual, normalization: .unitRange, count: 4) < 1e-4)
        let compact = try Models.network(EmotionArchitecture.compact.architecture.layers, inputShape: [48, 48, 1], seed: 15)
        let pair = try Ensemble.combine([residual, compact])
        #expect(try largestDifference(pair, normalization: .unitRange, count: 4) < 1e-4)
    }

    /// An ensemble's join (Softmax per member, Sum, scale, Log, then the final Softmax) gives NeuralNet's mean.
    @Test func ensembleMatchesNeuralNet() throws {
        let members = try [10, 11, 12].map { try Models.network(Models.globalPool, inputShape: [20, 16, 1], seed: UInt64($0)) }
        let ensemble = try Ensemble.combine(members)
        let difference = try largestDifference(ensemble, normalization: .unitRange, count: 6)
        #expect(difference < 1e-5, "OpenCV vs NeuralNet on an ensemble: \(difference)")
        let model = try ONNXExporter.model(of: ensemble, classNames: Models.classNames, normalization: .unitRange)
        #expect(model.graph.node.filter { $0.opType == "Softmax" }.count == 4)
        #expect(model.graph.node.filter { $0.opType == "Log" }.count == 1)
    }

    @Test func shippedModelMatchesNeuralNet() throws {
        let file = try ModelFile.load(Models.shippedModel)
        let difference = try largestDifference(file.network, normalization: file.normalization, count: 8)
        #expect(difference < 1e-4, "OpenCV vs NeuralNet on the shipped model: \(difference)")
    }

    @Test func fileDescribesItself() throws {
        let network = try Models.network(Models.everyLayer, inputShape: [20, 16, 1], seed: 3)
        let data = try ONNXExporter.data(of: network, classNames: Models.classNames, normalization: .unitRange,
                                         metadata: ["note.framing": "1.2"])
        let model = try ONNXModelProto(serializedBytes: data)
        #expect(model.opsetImport.map(\.version) == [13])
        let file = try ONNXModelFile(contentsOf: Models.write(data, "small.onnx"))
        #expect(file.inputDims == [nil, 1, 20, 16])
        #expect(file.outputDims == [nil, 7])
        #expect(file.metadata[ONNXMetadata.classes].flatMap(ONNXMetadata.classNames(from:)) == Models.classNames)
        #expect(file.metadata[ONNXMetadata.inputSize] == "20x16")
        #expect(file.metadata["note.framing"] == "1.2")
        #expect(!file.operators.contains("Dropout"), "dropout is left out at inference")
        #expect(file.operators.last == "Softmax")
    }

    @Test func refusesANetworkThatDoesNotFitItsClasses() throws {
        let network = try Models.network(Models.globalPool, inputShape: [20, 16, 1], seed: 4)
        #expect(throws: ONNXError.self) {
            try ONNXExporter.data(of: network, classNames: ["a", "b"], normalization: .unitRange)
        }
    }
}
