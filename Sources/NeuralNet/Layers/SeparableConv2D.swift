/// Keras's SeparableConv2D: a depthwise convolution (one kernel per channel, no bias) followed by a 1x1
/// convolution that mixes the channels, saved as one layer with `depthwise_kernel`, `pointwise_kernel` and
/// `bias` as Keras saves it.
public final class SeparableConv2D: Layer {
    public let depthwise: DepthwiseConv2D
    public let pointwise: Conv2D
    let filters: Int

    init(inputShape: [Int], filters: Int, kernel: (Int, Int), strides: Int, padding: LayerSpec.Padding,
         useBias: Bool, generator: inout SeededGenerator) {
        depthwise = DepthwiseConv2D(inputShape: inputShape, kernel: kernel, strides: strides, padding: padding,
                                    depthMultiplier: 1, useBias: false, generator: &generator)
        pointwise = Conv2D(inputShape: depthwise.outputShape, filters: filters, kernel: (1, 1), strides: 1,
                           padding: .valid, useBias: useBias, kernelName: "pointwise_kernel", generator: &generator)
        self.filters = filters
    }

    public var needsInputGradient: Bool {
        get { depthwise.needsInputGradient }
        set { depthwise.needsInputGradient = newValue }
    }

    public var spec: LayerSpec {
        .separableConv2D(filters: filters, kernel: [depthwise.kernelHeight, depthwise.kernelWidth],
                         strides: depthwise.strides, padding: depthwise.padding, useBias: pointwise.bias != nil)
    }
    public var outputShape: [Int] { pointwise.outputShape }
    public var parameters: [Parameter] { depthwise.parameters + pointwise.parameters }
    public var multiplyAccumulates: Int { depthwise.multiplyAccumulates + pointwise.multiplyAccumulates }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        pointwise.forward(depthwise.forward(input, training: training), training: training)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        depthwise.backward(pointwise.backward(outputGradient))
    }

    public func prepareForInference() { pointwise.prepareForInference() }
}
