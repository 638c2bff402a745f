import NeuralNet
import ONNXFormat

/// Writes NeuralNet's convolutions as ONNX `Conv` nodes: Conv2D, DepthwiseConv2D (a grouped Conv, one group
/// per input channel) and SeparableConv2D (a depthwise Conv then a 1x1 Conv).
///
/// Kernels are stored as Keras stores them, [kh, kw, in, out] (depthwise: [kh, kw, channels, multiplier]);
/// ONNX wants [out, in / group, kh, kw], so every kernel is permuted on the way.
enum ONNXConvolutionEmitter {
    /// Output size and ONNX pads [top, left, bottom, right] of a window over an h x w image, by TensorFlow's
    /// rules: for `same`, the odd pixel of padding goes to the bottom/right.
    static func window(_ h: Int, _ w: Int, kernel: (Int, Int), strides: Int,
                       padding: LayerSpec.Padding) -> (outH: Int, outW: Int, pads: [Int]) {
        switch padding {
        case .same:
            let outH = (h + strides - 1) / strides, outW = (w + strides - 1) / strides
            let padH = max((outH - 1) * strides + kernel.0 - h, 0), padW = max((outW - 1) * strides + kernel.1 - w, 0)
            return (outH, outW, [padH / 2, padW / 2, padH - padH / 2, padW - padW / 2])
        case .valid:
            return ((h - kernel.0) / strides + 1, (w - kernel.1) / strides + 1, [0, 0, 0, 0])
        }
    }

    /// A Keras kernel [kh, kw, c, f] as ONNX's [f, c, kh, kw].
    static func convolutionWeights(_ kernel: Tensor, kh: Int, kw: Int, c: Int, f: Int) -> [Float] {
        var permuted = [Float](repeating: 0, count: kernel.count)
        for y in 0..<kh { for x in 0..<kw { for i in 0..<c { for o in 0..<f {
            permuted[((o * c + i) * kh + y) * kw + x] = kernel[((y * kw + x) * c + i) * f + o]
        } } } }
        return permuted
    }

    /// A depthwise kernel [kh, kw, c, m] as ONNX's grouped [c·m, 1, kh, kw]: output channel ch·m + j is input
    /// channel ch through kernel j, which is also the channel order of ONNX's groups.
    static func depthwiseWeights(_ kernel: Tensor, kh: Int, kw: Int, c: Int, m: Int) -> [Float] {
        var permuted = [Float](repeating: 0, count: kernel.count)
        for y in 0..<kh { for x in 0..<kw { for ch in 0..<c { for j in 0..<m {
            permuted[((ch * m + j) * kh + y) * kw + x] = kernel[((y * kw + x) * c + ch) * m + j]
        } } } }
        return permuted
    }

    /// One Conv node over NCHW `input` with weights already in ONNX's layout.
    static func conv(_ input: ONNXValue, weights: [Float], bias: [Float]?, filters: Int, group: Int,
                     kernel: (Int, Int), strides: Int, padding: LayerSpec.Padding, stem: String,
                     into graph: inout ONNXGraphBuilder) -> ONNXValue {
        let (h, w, c) = (input.shape[0], input.shape[1], input.shape[2])
        let (outH, outW, pads) = window(h, w, kernel: kernel, strides: strides, padding: padding)
        var inputs = [input.name, graph.constant(stem + "_W", weights, shape: [filters, c / group, kernel.0, kernel.1])]
        if let bias { inputs.append(graph.constant(stem + "_B", bias, shape: [filters])) }
        let output = graph.node("Conv", inputs, stem: stem, attributes: [
            ONNXAttribute.ints("kernel_shape", [kernel.0, kernel.1]), ONNXAttribute.ints("strides", [strides, strides]),
            ONNXAttribute.ints("pads", pads), ONNXAttribute.ints("dilations", [1, 1]), ONNXAttribute.int("group", group),
        ])
        return ONNXValue(name: output, shape: [outH, outW, filters])
    }

    static func conv2D(_ input: ONNXValue, kernel: Tensor, bias: Tensor?, filters: Int, size: [Int], strides: Int,
                       padding: LayerSpec.Padding, stem: String, into graph: inout ONNXGraphBuilder) -> ONNXValue {
        let weights = convolutionWeights(kernel, kh: size[0], kw: size[1], c: input.shape[2], f: filters)
        return conv(input, weights: weights, bias: bias?.array, filters: filters, group: 1, kernel: (size[0], size[1]),
                    strides: strides, padding: padding, stem: stem, into: &graph)
    }

    static func depthwise(_ input: ONNXValue, kernel: Tensor, bias: Tensor?, multiplier: Int, size: [Int],
                          strides: Int, padding: LayerSpec.Padding, stem: String,
                          into graph: inout ONNXGraphBuilder) -> ONNXValue {
        let c = input.shape[2]
        let weights = depthwiseWeights(kernel, kh: size[0], kw: size[1], c: c, m: multiplier)
        return conv(input, weights: weights, bias: bias?.array, filters: c * multiplier, group: c,
                    kernel: (size[0], size[1]), strides: strides, padding: padding, stem: stem, into: &graph)
    }

    /// Keras's SeparableConv2D: the depthwise part has no bias; the layer's bias belongs to the 1x1 part.
    static func separable(_ input: ONNXValue, depthwiseKernel: Tensor, pointwiseKernel: Tensor, bias: Tensor?,
                          filters: Int, size: [Int], strides: Int, padding: LayerSpec.Padding, stem: String,
                          into graph: inout ONNXGraphBuilder) -> ONNXValue {
        let spatial = depthwise(input, kernel: depthwiseKernel, bias: nil, multiplier: 1, size: size, strides: strides,
                                padding: padding, stem: stem + "_depthwise", into: &graph)
        return conv2D(spatial, kernel: pointwiseKernel, bias: bias, filters: filters, size: [1, 1], strides: 1,
                      padding: .valid, stem: stem + "_pointwise", into: &graph)
    }
}
