import NeuralNet
import ONNXFormat

/// Writes the join nodes of graph networks (`Add`, `Concatenate`, `EnsembleMean`), which read several named values.
enum ONNXMergeEmitter {
    /// The element-wise sum, as a chain of two-input Adds (the form every runtime's importer knows).
    static func add(_ inputs: [ONNXValue], index: Int, stem: String,
                    into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        guard let first = inputs.first, inputs.allSatisfy({ $0.shape == first.shape }) else {
            throw ONNXError("layer \(index) (Add) needs inputs of one shape, got \(inputs.map(\.shape))")
        }
        var sum = first
        for other in inputs.dropFirst() {
            sum.name = graph.node("Add", [sum.name, other.name], stem: stem)
        }
        return sum
    }

    /// NeuralNet joins along its last axis: channels of an NHWC image (ONNX axis 1 of NCHW) or the features of
    /// a flat value (axis 1 of [N, features]).
    static func concatenate(_ inputs: [ONNXValue], index: Int, stem: String,
                            into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        guard let first = inputs.first, first.isImage || first.shape.count == 1,
              inputs.allSatisfy({ $0.shape.count == first.shape.count && $0.shape.dropLast() == first.shape.dropLast() })
        else {
            throw ONNXError("layer \(index) (Concatenate) needs images of one size or flat values, got \(inputs.map(\.shape))")
        }
        let width = inputs.map { $0.shape.last! }.reduce(0, +)
        let output = graph.node("Concat", inputs.map(\.name), stem: stem, attributes: [ONNXAttribute.int("axis", 1)])
        return ONNXValue(name: output, shape: first.shape.dropLast() + [width])
    }

    /// log(mean of the members' softmax probabilities): Softmax per member, their Sum scaled by 1/k, Log.
    static func ensembleMean(_ inputs: [ONNXValue], index: Int, stem: String,
                             into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        guard let first = inputs.first, first.shape.count == 1, inputs.allSatisfy({ $0.shape == first.shape }) else {
            throw ONNXError("layer \(index) (EnsembleMean) needs flat inputs of one shape, got \(inputs.map(\.shape))")
        }
        let probabilities = inputs.enumerated().map { member, value in
            graph.node("Softmax", [value.name], stem: "\(stem)_member\(member)", attributes: [ONNXAttribute.int("axis", 1)])
        }
        let sum = graph.node("Sum", probabilities, stem: stem + "_sum")
        let scale = graph.constant(stem + "_scale", [1 / Float(inputs.count)], shape: [1])
        let mean = graph.node("Mul", [sum, scale], stem: stem + "_mean")
        return ONNXValue(name: graph.node("Log", [mean], stem: stem), shape: first.shape)
    }
}
