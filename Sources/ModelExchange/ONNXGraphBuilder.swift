import Foundation
import ONNXFormat

/// An ONNX graph under construction: nodes in execution order and their constant inputs (initializers),
/// every tensor named uniquely so emitters can wire nodes by name alone.
struct ONNXGraphBuilder {
    private(set) var nodes: [ONNXNodeProto] = []
    private(set) var initializers: [ONNXTensorProto] = []
    private var usedNames: Set<String> = []

    /// A fresh tensor or node name starting with `stem` ("conv0", "conv0_1", ...).
    mutating func uniqueName(_ stem: String) -> String {
        var name = stem
        var suffix = 1
        while usedNames.contains(name) {
            name = "\(stem)_\(suffix)"
            suffix += 1
        }
        usedNames.insert(name)
        return name
    }

    /// Reserves a name chosen from outside (the graph's input and output).
    mutating func reserve(_ name: String) { usedNames.insert(name) }

    /// A float32 constant; returns its name.
    mutating func constant(_ stem: String, _ values: [Float], shape: [Int]) -> String {
        precondition(values.count == shape.reduce(1, *), "constant \(stem): \(values.count) values for shape \(shape)")
        var tensor = ONNXTensorProto()
        tensor.name = uniqueName(stem)
        tensor.dims = shape.map(Int64.init)
        tensor.dataType = Int32(ONNXTensorProto.DataType.float.rawValue)
        // ONNX stores raw_data little-endian, as every machine Swift runs this on is.
        tensor.rawData = values.withUnsafeBufferPointer { Data(buffer: $0) }
        initializers.append(tensor)
        return tensor.name
    }

    /// An int64 vector constant (the indices Slice reads as inputs); returns its name.
    mutating func indices(_ stem: String, _ values: [Int]) -> String {
        var tensor = ONNXTensorProto()
        tensor.name = uniqueName(stem)
        tensor.dims = [Int64(values.count)]
        tensor.dataType = Int32(ONNXTensorProto.DataType.int64.rawValue)
        tensor.int64Data = values.map(Int64.init)
        initializers.append(tensor)
        return tensor.name
    }

    /// Appends a node of `opType` reading `inputs`; returns the name of its one output (or `output` when given).
    @discardableResult
    mutating func node(_ opType: String, _ inputs: [String], stem: String, output: String? = nil,
                       attributes: [ONNXAttributeProto] = []) -> String {
        var node = ONNXNodeProto()
        node.opType = opType
        node.name = uniqueName(stem)
        node.input = inputs
        node.output = [output ?? uniqueName(stem + "_out")]
        node.attribute = attributes
        nodes.append(node)
        return node.output[0]
    }
}

/// Node attributes, as ONNX types them.
enum ONNXAttribute {
    static func int(_ name: String, _ value: Int) -> ONNXAttributeProto {
        var attribute = ONNXAttributeProto()
        attribute.name = name
        attribute.type = .int
        attribute.i = Int64(value)
        return attribute
    }

    static func ints(_ name: String, _ values: [Int]) -> ONNXAttributeProto {
        var attribute = ONNXAttributeProto()
        attribute.name = name
        attribute.type = .ints
        attribute.ints = values.map(Int64.init)
        return attribute
    }

    static func float(_ name: String, _ value: Float) -> ONNXAttributeProto {
        var attribute = ONNXAttributeProto()
        attribute.name = name
        attribute.type = .float
        attribute.f = value
        return attribute
    }
}
