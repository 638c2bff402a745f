import NeuralNet
import ONNXFormat

/// Writes one NeuralNet layer as ONNX nodes: one emitter per layer kind, nodes wired by tensor name, so a new
/// layer kind is one more case here (convolutions in `ONNXConvolutionEmitter`, joins in `ONNXMergeEmitter`).
///
/// NeuralNet keeps images NHWC; the graph keeps them NCHW. Weights are permuted on the way (convolutions), and a
/// Flatten of an image transposes back to NHWC first so the Dense after it sees NeuralNet's feature order.
enum ONNXLayerEmitter {
    /// The nodes of `layer`, reading `inputs` (one value, or several for a join), and the value it outputs.
    static func emit(_ layer: any Layer, index: Int, inputs: [ONNXValue],
                     into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        let stem = "\(index)_\(layer.spec.kind.lowercased().filter { $0.isLetter || $0.isNumber })"
        guard let input = inputs.first, inputs.count == 1 || layer.spec.isMerge else {
            throw ONNXError("layer \(index) (\(layer.spec.kind)) takes one input, not \(inputs.count)")
        }
        func parameter(_ name: String) throws -> Tensor {
            guard let found = layer.parameters.first(where: { $0.name == name }) else {
                throw ONNXError("layer \(index) (\(layer.spec.kind)) has no \"\(name)\" parameter")
            }
            return found.value
        }
        func requireImage() throws -> (h: Int, w: Int, c: Int) {
            guard input.isImage else {
                throw ONNXError("layer \(index) (\(layer.spec.kind)) needs an image input, got \(input.shape)")
            }
            return (input.shape[0], input.shape[1], input.shape[2])
        }

        switch layer.spec {
        case let .conv2D(filters, kernel, strides, padding, useBias):
            _ = try requireImage()
            return ONNXConvolutionEmitter.conv2D(input, kernel: try parameter("kernel"),
                                                 bias: useBias ? try parameter("bias") : nil, filters: filters,
                                                 size: kernel, strides: strides, padding: padding, stem: stem, into: &graph)

        case let .depthwiseConv2D(kernel, strides, padding, multiplier, useBias):
            _ = try requireImage()
            return ONNXConvolutionEmitter.depthwise(input, kernel: try parameter("depthwise_kernel"),
                                                    bias: useBias ? try parameter("bias") : nil, multiplier: multiplier,
                                                    size: kernel, strides: strides, padding: padding, stem: stem,
                                                    into: &graph)

        case let .separableConv2D(filters, kernel, strides, padding, useBias):
            _ = try requireImage()
            return ONNXConvolutionEmitter.separable(input, depthwiseKernel: try parameter("depthwise_kernel"),
                                                    pointwiseKernel: try parameter("pointwise_kernel"),
                                                    bias: useBias ? try parameter("bias") : nil, filters: filters,
                                                    size: kernel, strides: strides, padding: padding, stem: stem,
                                                    into: &graph)

        case let .batchNorm(epsilon, _):
            let (gamma, beta) = (try parameter("gamma").array, try parameter("beta").array)
            let (mean, variance) = (try parameter("moving_mean").array, try parameter("moving_variance").array)
            let channels = gamma.count
            if input.isImage {
                let inputs = [input.name, graph.constant(stem + "_scale", gamma, shape: [channels]),
                              graph.constant(stem + "_B", beta, shape: [channels]),
                              graph.constant(stem + "_mean", mean, shape: [channels]),
                              graph.constant(stem + "_var", variance, shape: [channels])]
                let output = graph.node("BatchNormalization", inputs, stem: stem,
                                        attributes: [ONNXAttribute.float("epsilon", epsilon)])
                return ONNXValue(name: output, shape: input.shape)
            }
            // On flat features, as the affine map it is at inference: x·s + t per feature.
            let scale = (0..<channels).map { gamma[$0] / (variance[$0] + epsilon).squareRoot() }
            let shift = (0..<channels).map { beta[$0] - mean[$0] * scale[$0] }
            let scaled = graph.node("Mul", [input.name, graph.constant(stem + "_s", scale, shape: [channels])], stem: stem + "_mul")
            let output = graph.node("Add", [scaled, graph.constant(stem + "_t", shift, shape: [channels])], stem: stem + "_add")
            return ONNXValue(name: output, shape: input.shape)

        case .relu:
            return ONNXValue(name: graph.node("Relu", [input.name], stem: stem), shape: input.shape)

        case let .maxPool(size, strides), let .averagePool(size, strides):
            let (h, w, c) = try requireImage()
            let opType = if case .maxPool = layer.spec { "MaxPool" } else { "AveragePool" }
            let output = graph.node(opType, [input.name], stem: stem, attributes: [
                ONNXAttribute.ints("kernel_shape", [size, size]), ONNXAttribute.ints("strides", [strides, strides]),
                ONNXAttribute.ints("pads", [0, 0, 0, 0]),
            ])
            return ONNXValue(name: output, shape: [(h - size) / strides + 1, (w - size) / strides + 1, c])

        case let .maxPoolSame(size, strides):
            // Padded cells never win an ONNX MaxPool, as NeuralNet's windows are clipped to the image.
            let (h, w, c) = try requireImage()
            let (outH, outW, pads) = ONNXConvolutionEmitter.window(h, w, kernel: (size, size), strides: strides,
                                                                   padding: .same)
            let output = graph.node("MaxPool", [input.name], stem: stem, attributes: [
                ONNXAttribute.ints("kernel_shape", [size, size]), ONNXAttribute.ints("strides", [strides, strides]),
                ONNXAttribute.ints("pads", pads),
            ])
            return ONNXValue(name: output, shape: [outH, outW, c])

        case .globalAveragePool:
            let (_, _, c) = try requireImage()
            let pooled = graph.node("GlobalAveragePool", [input.name], stem: stem)
            let output = graph.node("Flatten", [pooled], stem: stem + "_flat", attributes: [ONNXAttribute.int("axis", 1)])
            return ONNXValue(name: output, shape: [c])

        case let .cropping2D(top, bottom, left, right):
            let (h, w, c) = try requireImage()
            let inputs = [input.name, graph.indices(stem + "_starts", [top, left]),
                          graph.indices(stem + "_ends", [h - bottom, w - right]), graph.indices(stem + "_axes", [2, 3])]
            return ONNXValue(name: graph.node("Slice", inputs, stem: stem), shape: [h - top - bottom, w - left - right, c])

        case .dropout:
            // Inference only: dropout is the identity.
            return input

        case .flatten:
            guard input.isImage else { return ONNXValue(name: input.name, shape: [input.shape.reduce(1, *)]) }
            var source = input.name
            if input.shape[0] * input.shape[1] > 1 {
                source = graph.node("Transpose", [source], stem: stem + "_nhwc",
                                    attributes: [ONNXAttribute.ints("perm", [0, 2, 3, 1])])
            }
            let output = graph.node("Flatten", [source], stem: stem, attributes: [ONNXAttribute.int("axis", 1)])
            return ONNXValue(name: output, shape: [input.shape.reduce(1, *)])

        case let .dense(units, useBias):
            guard input.shape.count == 1 else {
                throw ONNXError("layer \(index) (Dense) needs a flat input, got \(input.shape)")
            }
            let weights = try parameter("kernel")
            let bias = useBias ? try parameter("bias").array : [Float](repeating: 0, count: units)
            // Stored [units, inputs] with transB = 1, as PyTorch writes a Linear layer: the form every runtime's
            // importer knows (OpenCV 4.6 misreads the untransposed one).
            let count = input.shape[0]
            var transposed = [Float](repeating: 0, count: weights.count)
            for i in 0..<count { for o in 0..<units { transposed[o * count + i] = weights[i * units + o] } }
            let inputs = [input.name, graph.constant(stem + "_W", transposed, shape: [units, count]),
                          graph.constant(stem + "_B", bias, shape: [units])]
            return ONNXValue(name: graph.node("Gemm", inputs, stem: stem, attributes: [ONNXAttribute.int("transB", 1)]),
                             shape: [units])

        case .softmax:
            guard input.shape.count == 1 else {
                throw ONNXError("layer \(index) (Softmax) needs a flat input, got \(input.shape)")
            }
            let output = graph.node("Softmax", [input.name], stem: stem, attributes: [ONNXAttribute.int("axis", 1)])
            return ONNXValue(name: output, shape: input.shape)

        case .add:
            return try ONNXMergeEmitter.add(inputs, index: index, stem: stem, into: &graph)

        case .concatenate:
            return try ONNXMergeEmitter.concatenate(inputs, index: index, stem: stem, into: &graph)

        case .ensembleMean:
            return try ONNXMergeEmitter.ensembleMean(inputs, index: index, stem: stem, into: &graph)
        }
    }
}
