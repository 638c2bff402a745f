import Foundation
import NeuralNet
import ONNXFormat

/// What an .onnx file says about itself, read without running it: its single image input's shape, its
/// output's, the operators it uses and its `metadata_props`. Reading it also tells a damaged or foreign
/// file from a model before any runtime sees it, with a message naming the file.
public struct ONNXModelFile: Sendable {
    /// The largest model file read.
    public static let sizeLimit = 1 << 30

    public let url: URL
    /// The whole file, for the runtime that will run it.
    public let bytes: Data
    public let metadata: [String: String]
    public let inputName: String
    /// The input's dimensions; nil where the file leaves one open (a dynamic batch "N").
    public let inputDims: [Int?]
    public let outputDims: [Int?]
    /// Each operator type the graph uses, in first-use order (domain-qualified when not the default).
    public let operators: [String]

    public init(contentsOf url: URL) throws {
        let path = url.path
        let bytes: Data
        do { bytes = try RegularFile.read(path, limit: Self.sizeLimit) } catch {
            throw ONNXError("\(path): \(error)")
        }
        let model: ONNXModelProto
        do { model = try ONNXModelProto(serializedBytes: bytes) } catch {
            throw ONNXError("\(path): not an ONNX model (\(Self.describe(error)))")
        }
        // Protobuf reads many foreign files as a message of unknown fields: a model must at least say its IR
        // version and hold a graph with nodes.
        guard model.irVersion > 0, model.hasGraph, !model.graph.node.isEmpty else {
            throw ONNXError("\(path): not an ONNX model (no IR version or no graph nodes in it)")
        }
        let graph = model.graph
        let constants = Set(graph.initializer.map(\.name))
        let inputs = graph.input.filter { !constants.contains($0.name) }
        guard inputs.count == 1, let input = inputs.first else {
            throw ONNXError("\(path): the model has \(inputs.count) inputs; an image classifier has one")
        }
        guard let output = graph.output.first else { throw ONNXError("\(path): the model declares no output") }
        self.url = url
        self.bytes = bytes
        inputName = input.name
        inputDims = Self.dims(input)
        outputDims = Self.dims(output)
        var seen: Set<String> = []
        operators = graph.node.map { $0.domain.isEmpty || $0.domain == "ai.onnx" ? $0.opType : "\($0.domain).\($0.opType)" }
            .filter { seen.insert($0).inserted }
        metadata = Dictionary(model.metadataProps.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    private static func dims(_ info: ONNXValueInfoProto) -> [Int?] {
        guard info.type.tensorType.hasShape else { return [] }
        return info.type.tensorType.shape.dim.map { dimension in
            if case .dimValue(let size)? = dimension.value, size > 0 { return Int(size) }
            return nil
        }
    }

    private static func describe(_ error: Error) -> String {
        switch error as? ProtobufError {
        case .truncated?: "the file is cut short"
        case .malformed(let what)?: "malformed protobuf data: \(what)"
        case nil: "\(error)"
        }
    }
}
