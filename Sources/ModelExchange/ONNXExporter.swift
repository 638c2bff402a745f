import Foundation
import NeuralNet
import ONNXFormat

/// Writes a NeuralNet classifier as a standard ONNX model (opset 13) that any runtime can serve without
/// knowing Emoscope: input "pixels" [N, channels, height, width] float32 of raw 0–255 pixels (the model's
/// normalisation is the graph's first nodes), output "probabilities" [N, classes] (softmax included), class
/// names and input size in `metadata_props`. Test-time mirror averaging is not part of it.
public enum ONNXExporter {
    public static let opsetVersion: Int64 = 13
    /// The IR version that goes with opset 13.
    public static let irVersion: Int64 = 7
    public static let inputName = "pixels"
    public static let outputName = "probabilities"

    /// The ONNX model of `network`. `logitOffsets`, when given, are added to the logits before the softmax
    /// (p ∝ p·e^offset: a decision bias). `metadata` entries are added to `metadata_props` as they are.
    public static func model(of network: Sequential, classNames: [String], normalization: InputNormalization,
                             logitOffsets: [Float]? = nil, metadata: [String: String] = [:],
                             name: String = "emoscope") throws -> ONNXModelProto {
        let inputShape = network.inputShape
        guard inputShape.count == 3 else {
            throw ONNXError("the network's input \(inputShape) is not an image [height, width, channels]")
        }
        if let logitOffsets, logitOffsets.count != classNames.count {
            throw ONNXError("\(logitOffsets.count) logit offsets for \(classNames.count) classes")
        }
        var graph = ONNXGraphBuilder()
        graph.reserve(inputName)
        graph.reserve(outputName)
        var value = ONNXValue(name: inputName, shape: inputShape)
        if normalization.scale != 1 {
            value.name = graph.node("Mul", [value.name, graph.constant("input_scale", [normalization.scale], shape: [])],
                                    stem: "normalize_scale")
        }
        if normalization.offset != 0 {
            value.name = graph.node("Add", [value.name, graph.constant("input_offset", [normalization.offset], shape: [])],
                                    stem: "normalize_offset")
        }
        // Each node reads its inputs by name: the normalised input for `Network.networkInput`, else the output
        // of an earlier node (layers are in topological order). The softmax is always the graph's last node
        // (with any offsets before it), whether or not the network ends in one.
        var count = network.layers.count
        if network.layers[count - 1].spec == .softmax { count -= 1 }
        var outputs: [ONNXValue] = []
        let input = value
        for index in 0..<count {
            let sources = network.inputs[index].map { $0 == Network.networkInput ? input : outputs[$0] }
            outputs.append(try ONNXLayerEmitter.emit(network.layers[index], index: index, inputs: sources, into: &graph))
        }
        // The last node's value or, when that is the softmax left out above, the value the softmax reads.
        let last = network.layers.count - 1
        if count == network.layers.count {
            value = outputs[last]
        } else {
            let source = network.inputs[last][0]
            value = source == Network.networkInput ? input : outputs[source]
        }
        guard value.shape == [classNames.count] else {
            throw ONNXError("the network gives \(value.shape) outputs for \(classNames.count) classes")
        }
        if let logitOffsets {
            value.name = graph.node("Add", [value.name, graph.constant("logit_offsets", logitOffsets, shape: [classNames.count])],
                                    stem: "decision_bias")
        }
        graph.node("Softmax", [value.name], stem: "softmax", output: outputName, attributes: [ONNXAttribute.int("axis", 1)])

        var proto = ONNXGraphProto()
        proto.name = name
        proto.node = graph.nodes
        proto.initializer = graph.initializers
        proto.input = [tensorInfo(inputName, dims: [nil, inputShape[2], inputShape[0], inputShape[1]])]
        proto.output = [tensorInfo(outputName, dims: [nil, classNames.count])]

        var model = ONNXModelProto()
        model.irVersion = irVersion
        var opset = ONNXOperatorSetIdProto()
        opset.domain = ""
        opset.version = opsetVersion
        model.opsetImport = [opset]
        model.producerName = "emoscope"
        model.docString = "Input \(inputName): [N, \(inputShape[2]), \(inputShape[0]), \(inputShape[1])] raw pixels 0-255; "
            + "output \(outputName): [N, \(classNames.count)] class probabilities in the order of metadata \"\(ONNXMetadata.classes)\"."
        model.graph = proto
        var properties = metadata
        properties[ONNXMetadata.classes] = String(decoding: try JSONEncoder().encode(classNames), as: UTF8.self)
        properties[ONNXMetadata.inputSize] = "\(inputShape[0])x\(inputShape[1])"
        properties[ONNXMetadata.inputScale] = "1"
        properties[ONNXMetadata.inputOffset] = "0"
        model.metadataProps = properties.sorted { $0.key < $1.key }.map { key, value in
            var entry = ONNXStringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        return model
    }

    /// The serialised model, ready to write to a .onnx file.
    public static func data(of network: Sequential, classNames: [String], normalization: InputNormalization,
                            logitOffsets: [Float]? = nil, metadata: [String: String] = [:]) throws -> Data {
        try model(of: network, classNames: classNames, normalization: normalization, logitOffsets: logitOffsets,
                  metadata: metadata).serializedData()
    }

    /// A float tensor's type and shape; nil dimensions are the dynamic batch "N".
    private static func tensorInfo(_ name: String, dims: [Int?]) -> ONNXValueInfoProto {
        var shape = ONNXTensorShapeProto()
        shape.dim = dims.map { size in
            var dimension = ONNXTensorShapeProto.Dimension()
            if let size { dimension.dimValue = Int64(size) } else { dimension.dimParam = "N" }
            return dimension
        }
        var tensor = ONNXTypeProto.Tensor()
        tensor.elemType = Int32(ONNXTensorProto.DataType.float.rawValue)
        tensor.shape = shape
        var type = ONNXTypeProto()
        type.tensorType = tensor
        var info = ONNXValueInfoProto()
        info.name = name
        info.type = type
        return info
    }
}
