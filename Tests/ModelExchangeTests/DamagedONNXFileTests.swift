import Expression
import Foundation
import ModelExchange
import NeuralNet
import ONNXFormat
import Testing
import TestSupport

/// Damaged and foreign files are refused with a message naming the file, never a crash.
@Suite struct DamagedONNXFileTests {
    typealias Models = ONNXTestModels

    func exportedBytes() throws -> Data {
        let network = try Models.network(Models.everyLayer, inputShape: [20, 16, 1], seed: 3)
        return try ONNXExporter.data(of: network, classNames: Models.classNames, normalization: .unitRange)
    }

    /// The error opening `url` as a classifier, which must name the file.
    func openingError(_ url: URL) -> String {
        do {
            _ = try ONNXClassifier(contentsOf: url)
            Issue.record("\(url.lastPathComponent) opened without error")
            return ""
        } catch {
            let message = "\(error)"
            #expect(message.contains(url.path), "names the file: \(message)")
            return message
        }
    }

    @Test func fileCutShort() throws {
        let bytes = try exportedBytes()
        for length in [bytes.count / 2, bytes.count - 3, 40] {
            let message = openingError(try Models.write(bytes.prefix(length), "cut.onnx"))
            #expect(message.contains("not an ONNX model") || message.contains("cannot load"), "\(length) bytes: \(message)")
        }
    }

    @Test func notAnONNXFile() throws {
        let png = try Data(contentsOf: TestData.repositoryRoot.appendingPathComponent("Resources/Models/confusion-matrix.png"))
        for (name, data) in [("image.onnx", png), ("empty.onnx", Data()), ("text.onnx", Data("hello, world\n".utf8))] {
            let message = openingError(try Models.write(data, name))
            #expect(message.contains("not an ONNX model"), "\(name): \(message)")
        }
        let folder = try TestData.temporaryDirectory("onnx-folder").appendingPathComponent("folder.onnx")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(openingError(folder).contains("directory"))
    }

    @Test func unsupportedOperatorIsNamed() throws {
        var model = try ONNXModelProto(serializedBytes: try exportedBytes())
        // Hardmax is standard ONNX that OpenCV's dnn module does not run.
        let last = model.graph.node.count - 1
        #expect(model.graph.node[last].opType == "Softmax")
        model.graph.node[last].opType = "Hardmax"
        let message = openingError(try Models.write(try model.serializedData(), "hardmax.onnx"))
        #expect(message.contains("operator Hardmax") && message.contains("not supported"), "\(message)")
    }

    @Test func inputThatIsNotAnImage() throws {
        var model = try ONNXModelProto(serializedBytes: try exportedBytes())
        model.graph.input[0].type.tensorType.shape.dim.removeLast()
        let message = openingError(try Models.write(try model.serializedData(), "rank3.onnx"))
        #expect(message.contains("not an image batch"), "\(message)")
    }
}
