import NeuralNet
import Testing

/// The layers Keras Functional models bring (depthwise and separable convolutions, `same` max pooling):
/// gradients against finite differences (GradientCheck), forward passes against plain Double loops.
@Suite struct GraphLayerTests {
    struct DepthwiseCase: CustomTestStringConvertible, Sendable {
        let inputShape: [Int]
        let kernel: [Int]
        let strides: Int
        let padding: LayerSpec.Padding
        let multiplier: Int
        let useBias: Bool
        var testDescription: String { "\(inputShape) k\(kernel) s\(strides) \(padding) ×\(multiplier)\(useBias ? "" : " no bias")" }
        var spec: LayerSpec {
            .depthwiseConv2D(kernel: kernel, strides: strides, padding: padding, depthMultiplier: multiplier, useBias: useBias)
        }
    }

    static let depthwiseCases: [DepthwiseCase] = [
        DepthwiseCase(inputShape: [5, 5, 3], kernel: [3, 3], strides: 1, padding: .same, multiplier: 1, useBias: true),
        DepthwiseCase(inputShape: [6, 5, 2], kernel: [3, 3], strides: 2, padding: .same, multiplier: 2, useBias: false),
        DepthwiseCase(inputShape: [6, 7, 3], kernel: [3, 2], strides: 1, padding: .valid, multiplier: 1, useBias: true),
        DepthwiseCase(inputShape: [7, 7, 2], kernel: [3, 3], strides: 2, padding: .valid, multiplier: 3, useBias: true),
    ]

    @Test(arguments: depthwiseCases)
    func depthwiseGradients(_ c: DepthwiseCase) throws {
        let layer = try TestTensors.layer(c.spec, input: c.inputShape)
        if let bias = layer.parameters.first(where: { $0.name == "bias" }) { TestTensors.randomize(bias.value, seed: 3) }
        GradientCheck().check(layer, input: TestTensors.random([2] + c.inputShape, seed: 2))
    }

    @Test(arguments: depthwiseCases)
    func depthwiseForwardMatchesAPlainLoop(_ c: DepthwiseCase) throws {
        let layer = try TestTensors.layer(c.spec, input: c.inputShape)
        let bias = layer.parameters.first(where: { $0.name == "bias" })
        if let bias { TestTensors.randomize(bias.value, seed: 4) }
        let kernel = TestTensors.parameter(layer, "depthwise_kernel").value
        let input = TestTensors.random([2] + c.inputShape, seed: 5)
        let output = layer.forward(input, training: false)
        let (h, w, ch, m, kh, kw, s) = (c.inputShape[0], c.inputShape[1], c.inputShape[2], c.multiplier, c.kernel[0], c.kernel[1], c.strides)
        // TensorFlow's rule for `same`: total padding max((out − 1)·s + k − in, 0), the smaller half first.
        let (oh, ow) = c.padding == .same ? ((h + s - 1) / s, (w + s - 1) / s) : ((h - kh) / s + 1, (w - kw) / s + 1)
        let pt = c.padding == .same ? max((oh - 1) * s + kh - h, 0) / 2 : 0
        let pl = c.padding == .same ? max((ow - 1) * s + kw - w, 0) / 2 : 0
        #expect(output.shape == [2, oh, ow, ch * m])
        var largest = 0.0
        for n in 0..<2 { for oy in 0..<oh { for ox in 0..<ow { for channel in 0..<ch { for j in 0..<m {
            var sum = Double(bias?.value[channel * m + j] ?? 0)
            for ky in 0..<kh { for kx in 0..<kw {
                let iy = oy * s - pt + ky, ix = ox * s - pl + kx
                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                sum += Double(input[((n * h + iy) * w + ix) * ch + channel]) * Double(kernel[((ky * kw + kx) * ch + channel) * m + j])
            } }
            let ours = Double(output[((n * oh + oy) * ow + ox) * ch * m + channel * m + j])
            largest = max(largest, abs(ours - sum))
        } } } } }
        #expect(largest < 1e-5)
    }

    @Test(arguments: [LayerSpec.separableConv2D(filters: 4, kernel: [3, 3], strides: 1, padding: .same, useBias: true),
                      .separableConv2D(filters: 3, kernel: [3, 3], strides: 2, padding: .valid, useBias: false)])
    func separableGradients(_ spec: LayerSpec) throws {
        let layer = try TestTensors.layer(spec, input: [6, 6, 3])
        #expect(layer.parameters.map(\.name) == ["depthwise_kernel", "pointwise_kernel"] + (layer.parameters.count == 3 ? ["bias"] : []))
        if let bias = layer.parameters.first(where: { $0.name == "bias" }) { TestTensors.randomize(bias.value, seed: 3) }
        GradientCheck().check(layer, input: TestTensors.random([2, 6, 6, 3], seed: 6))
    }

    @Test(arguments: [(5, 3, 2, 3), (6, 3, 2, 9), (4, 2, 1, 2), (7, 3, 3, 10)])
    func maxPoolSame(size: Int, window: Int, strides: Int, channels: Int) throws {
        let layer = try TestTensors.layer(.maxPoolSame(size: window, strides: strides), input: [size, size + 1, channels])
        let input = TestTensors.distinct([2, size, size + 1, channels], seed: 10)
        GradientCheck().check(layer, input: input)
        // Against a loop over clipped windows (TensorFlow pads with −∞).
        let output = layer.forward(input, training: false)
        let (h, w) = (size, size + 1), oh = (h + strides - 1) / strides, ow = (w + strides - 1) / strides
        let pt = max((oh - 1) * strides + window - h, 0) / 2, pl = max((ow - 1) * strides + window - w, 0) / 2
        #expect(output.shape == [2, oh, ow, channels])
        for n in 0..<2 { for oy in 0..<oh { for ox in 0..<ow { for ch in 0..<channels {
            var best = -Float.infinity
            for iy in max(oy * strides - pt, 0)..<min(oy * strides - pt + window, h) {
                for ix in max(ox * strides - pl, 0)..<min(ox * strides - pl + window, w) {
                    best = max(best, input[((n * h + iy) * w + ix) * channels + ch])
                }
            }
            #expect(output[((n * oh + oy) * ow + ox) * channels + ch] == best)
        } } } }
    }
}
