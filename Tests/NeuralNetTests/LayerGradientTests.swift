import NeuralNet
import Testing

/// Finite-difference checks of every layer's input and parameter gradients (see GradientCheck for the
/// scalar used and the exact pass criterion). ε = 1e-3 in Float32, numeric side accumulated in Double;
/// tolerance 1e-3 relative (2e-3 where BatchNorm's batch coupling adds round-off). Measured: 1e-5 to 1.5e-4
/// for most layers, up to 3.8e-4 for BatchNorm's input gradient.
@Suite struct LayerGradientTests {
    struct ConvCase: CustomTestStringConvertible, Sendable {
        let inputShape: [Int]
        let filters: Int
        let kernel: [Int]
        let strides: Int
        let padding: LayerSpec.Padding
        let useBias: Bool
        var testDescription: String {
            "\(inputShape) k\(kernel) s\(strides) \(padding)\(useBias ? "" : " no bias") → \(filters)"
        }
    }

    static let convCases: [ConvCase] = [
        ConvCase(inputShape: [5, 5, 2], filters: 3, kernel: [3, 3], strides: 1, padding: .same, useBias: true),
        ConvCase(inputShape: [5, 6, 2], filters: 3, kernel: [3, 3], strides: 1, padding: .valid, useBias: true),
        ConvCase(inputShape: [7, 5, 2], filters: 2, kernel: [3, 3], strides: 2, padding: .same, useBias: true),
        ConvCase(inputShape: [6, 6, 2], filters: 2, kernel: [3, 3], strides: 2, padding: .same, useBias: false),
        ConvCase(inputShape: [7, 6, 3], filters: 2, kernel: [3, 3], strides: 2, padding: .valid, useBias: true),
        ConvCase(inputShape: [5, 4, 2], filters: 3, kernel: [2, 2], strides: 1, padding: .same, useBias: true),
        ConvCase(inputShape: [5, 7, 2], filters: 2, kernel: [3, 2], strides: 1, padding: .same, useBias: false),
        ConvCase(inputShape: [8, 7, 1], filters: 2, kernel: [5, 5], strides: 2, padding: .same, useBias: true),
        ConvCase(inputShape: [3, 4, 4], filters: 3, kernel: [1, 1], strides: 1, padding: .same, useBias: true),
        ConvCase(inputShape: [3, 4, 4], filters: 3, kernel: [1, 1], strides: 1, padding: .valid, useBias: false),
        ConvCase(inputShape: [5, 5, 3], filters: 2, kernel: [1, 1], strides: 2, padding: .same, useBias: true),
    ]

    @Test(arguments: convCases)
    func conv2D(_ c: ConvCase) throws {
        let spec = LayerSpec.conv2D(filters: c.filters, kernel: c.kernel, strides: c.strides, padding: c.padding,
                                    useBias: c.useBias)
        let layer = try TestTensors.layer(spec, input: c.inputShape)
        if let bias = layer.parameters.first(where: { $0.name == "bias" }) {
            TestTensors.randomize(bias.value, seed: 3)
        }
        GradientCheck().check(layer, input: TestTensors.random([2] + c.inputShape, seed: 2))
    }

    @Test func conv2DFirstLayerStillGetsParameterGradients() throws {
        // A network's first layer skips its input gradient; its kernel and bias gradients must stay right.
        let reference = try TestTensors.layer(.conv(3, 3), input: [5, 5, 2])
        let first = try TestTensors.layer(.conv(3, 3), input: [5, 5, 2])
        first.needsInputGradient = false
        let input = TestTensors.random([2, 5, 5, 2], seed: 4)
        let dy = TestTensors.random([2, 5, 5, 3], seed: 5)
        _ = reference.forward(input, training: true)
        _ = reference.backward(dy)
        _ = first.forward(input, training: true)
        _ = first.backward(dy)
        for (a, b) in zip(reference.parameters, first.parameters) { #expect(a.gradient.array == b.gradient.array) }
    }

    @Test(arguments: [[3, 3, 2], [4]])
    func batchNormTraining(_ shape: [Int]) throws {
        let layer = try TestTensors.layer(.batchNorm(), input: shape)
        TestTensors.randomize(TestTensors.parameter(layer, "gamma").value, seed: 6, low: 0.5, high: 1.5)
        TestTensors.randomize(TestTensors.parameter(layer, "beta").value, seed: 7)
        let input = TestTensors.random([4] + shape, seed: 8, low: -1, high: 2)
        GradientCheck(tolerance: 2e-3).check(layer, input: input)
    }

    /// After an inference forward, backward is the gradient of the fixed affine map with the running
    /// statistics (what explanations of a trained network differentiate), not the training map's.
    @Test(arguments: [[3, 3, 2], [4]])
    func batchNormInference(_ shape: [Int]) throws {
        let layer = try TestTensors.layer(.batchNorm(), input: shape)
        TestTensors.randomize(TestTensors.parameter(layer, "gamma").value, seed: 6, low: 0.5, high: 1.5)
        TestTensors.randomize(TestTensors.parameter(layer, "beta").value, seed: 7)
        TestTensors.randomize(TestTensors.parameter(layer, "moving_mean").value, seed: 21)
        TestTensors.randomize(TestTensors.parameter(layer, "moving_variance").value, seed: 22, low: 0.3, high: 2)
        // A training pass first leaves its own statistics behind: backward must not use them.
        _ = layer.forward(TestTensors.random([4] + shape, seed: 23), training: true)
        GradientCheck(training: false).check(layer, input: TestTensors.random([1] + shape, seed: 8, low: -1, high: 2))
    }

    @Test func relu() throws {
        let layer = try TestTensors.layer(.relu, input: [3, 3, 2])
        GradientCheck().check(layer, input: TestTensors.awayFromZero([2, 3, 3, 2], seed: 9))
    }

    /// Channels past 8 take the vectorised path (8 at a time, then the rest one by one).
    @Test(arguments: [(4, 2, 2, 2), (5, 2, 2, 11), (7, 3, 2, 2), (5, 3, 1, 9), (4, 2, 2, 16)])
    func maxPool(size: Int, window: Int, strides: Int, channels: Int) throws {
        let layer = try TestTensors.layer(.maxPool(size: window, strides: strides), input: [size, size + 1, channels])
        GradientCheck().check(layer, input: TestTensors.distinct([2, size, size + 1, channels], seed: 10))
    }

    /// Backward after an inference forward (no winners recorded) finds that forward's winners, even when an
    /// earlier training pass on other values left its own behind.
    @Test(arguments: [2, 11])
    func maxPoolInference(channels: Int) throws {
        let layer = try TestTensors.layer(.maxPool(size: 2, strides: 2), input: [4, 5, channels])
        _ = layer.forward(TestTensors.distinct([2, 4, 5, channels], seed: 24), training: true)
        GradientCheck(training: false).check(layer, input: TestTensors.distinct([2, 4, 5, channels], seed: 10))
    }

    /// Where several inputs of a window hold the max, its gradient goes to the first in window order only.
    @Test(arguments: [3, 8, 12])
    func maxPoolGivesTiesToTheFirst(channels: Int) throws {
        let layer = try TestTensors.layer(.maxPool(size: 2, strides: 2), input: [2, 2, channels])
        let x = Tensor(shape: [1, 2, 2, channels], repeating: 1)
        for ch in 0..<channels { x[(1 * 2 + 0) * channels + ch] = Float(ch % 2) }  // bottom left: 0 or 1
        _ = layer.forward(x, training: true)
        let dx = layer.backward(Tensor(shape: [1, 1, 1, channels], repeating: 1))
        for ch in 0..<channels {
            #expect(dx[ch] == 1, "channel \(ch): the top-left input, first of the tied maxima")
            for pixel in 1..<4 { #expect(dx[pixel * channels + ch] == 0, "channel \(ch), pixel \(pixel)") }
        }
    }

    @Test(arguments: [(4, 2, 2), (5, 2, 2), (7, 3, 2), (5, 3, 1)])
    func averagePool(size: Int, window: Int, strides: Int) throws {
        let layer = try TestTensors.layer(.averagePool(size: window, strides: strides), input: [size, size + 1, 2])
        GradientCheck().check(layer, input: TestTensors.random([2, size, size + 1, 2], seed: 11))
    }

    @Test func globalAveragePool() throws {
        let layer = try TestTensors.layer(.globalAveragePool, input: [3, 4, 3])
        GradientCheck().check(layer, input: TestTensors.random([2, 3, 4, 3], seed: 12))
    }

    /// Cropping keeps exactly the window inside its cut edges (checked index by index), and its gradient
    /// returns to that window with zeros on the cut rows and columns.
    @Test(arguments: [(0, 2, 0, 0), (1, 0, 2, 1), (2, 1, 1, 3)])
    func cropping2D(top: Int, bottom: Int, left: Int, right: Int) throws {
        let (h, w, c) = (5, 6, 3)
        let layer = try TestTensors.layer(.cropping2D(top: top, bottom: bottom, left: left, right: right), input: [h, w, c])
        let input = TestTensors.random([2, h, w, c], seed: 12)
        let output = layer.forward(input, training: true)
        let (outH, outW) = (h - top - bottom, w - left - right)
        #expect(output.shape == [2, outH, outW, c])
        for n in 0..<2 { for y in 0..<outH { for x in 0..<outW { for k in 0..<c {
            #expect(output[((n * outH + y) * outW + x) * c + k] == input[((n * h + y + top) * w + x + left) * c + k])
        } } } }
        GradientCheck().check(layer, input: input)
    }

    @Test func dropoutWithAFixedMask() throws {
        let layer = try TestTensors.layer(.dropout(rate: 0.4), input: [3, 3, 2])
        let dropout = try #require(layer as? Dropout)
        let input = TestTensors.awayFromZero([2, 3, 3, 2], seed: 13)
        // The same seed before every forward pass gives the same mask each time.
        let check = GradientCheck(prepare: { dropout.generator = SeededGenerator(seed: 77) })
        check.check(layer, input: input)
        // The mask is not trivial: some values dropped, the rest scaled by 1/(1 − rate).
        check.prepare()
        let output = layer.forward(input, training: true)
        let dropped = (0..<input.count).filter { output[$0] == 0 }.count
        #expect(dropped > 0 && dropped < input.count)
        for i in 0..<input.count where output[i] != 0 { #expect(abs(output[i] - input[i] / 0.6) < 1e-6) }
    }

    /// Large inputs draw their masks block by block (16384 values each, across cores): every block drops
    /// about `rate` of its values, no two blocks share a mask, and the same seed gives the same masks.
    @Test func dropoutMasksOfLargeInputs() throws {
        let layer = try TestTensors.layer(.dropout(rate: 0.25), input: [24, 24, 64])
        let dropout = try #require(layer as? Dropout)
        let input = Tensor(shape: [4, 24, 24, 64], repeating: 1)
        dropout.generator = SeededGenerator(seed: 5)
        let first = layer.forward(input, training: true).array
        dropout.generator = SeededGenerator(seed: 5)
        #expect(layer.forward(input, training: true).array == first)
        let blocks = stride(from: 0, to: first.count, by: 16384).map { Array(first[$0..<min(first.count, $0 + 16384)]) }
        #expect(blocks.count == 9)
        for (index, block) in blocks.enumerated() {
            let dropped = Double(block.filter { $0 == 0 }.count) / Double(block.count)
            #expect(abs(dropped - 0.25) < 0.02, "block \(index) dropped \(dropped)")
        }
        #expect(Set(blocks.dropLast().map { $0.map { $0 == 0 } }).count == blocks.count - 1)
    }

    @Test func dropoutIsTheIdentityAtInference() throws {
        let layer = try TestTensors.layer(.dropout(rate: 0.5), input: [6])
        let input = TestTensors.random([3, 6], seed: 14)
        #expect(layer.forward(input, training: false).array == input.array)
        GradientCheck(training: false).check(layer, input: input)
    }

    @Test func flatten() throws {
        let layer = try TestTensors.layer(.flatten, input: [2, 3, 2])
        let input = TestTensors.random([2, 2, 3, 2], seed: 15)
        GradientCheck().check(layer, input: input)
        #expect(layer.backward(TestTensors.random([2, 12], seed: 1)).shape == [2, 2, 3, 2])
    }

    @Test(arguments: [true, false])
    func dense(useBias: Bool) throws {
        let layer = try TestTensors.layer(.dense(units: 4, useBias: useBias), input: [5])
        if useBias { TestTensors.randomize(TestTensors.parameter(layer, "bias").value, seed: 16) }
        GradientCheck().check(layer, input: TestTensors.random([3, 5], seed: 17))
    }

    @Test func softmax() throws {
        let layer = try TestTensors.layer(.softmax, input: [5])
        GradientCheck().check(layer, input: TestTensors.random([3, 5], seed: 18, low: -2, high: 2))
    }

    @Test func sequentialBackwardChainsEveryLayer() throws {
        // The whole stack at once, through Sequential.backward, against the numeric gradient of its kernels.
        let network = try Sequential(inputShape: [6, 6, 1], layers: [
            // No bias before BatchNorm: its gradient is 0 in theory, so only rounding noise would be compared.
            .conv(3, 3, useBias: false), .batchNorm(), .relu, .maxPool(size: 2, strides: 2),
            .conv(4, 3, strides: 2, padding: .valid, useBias: false), .flatten, .dense(5), .softmax,
        ], seed: 3)
        // Measured up to 2.6e-4 (seeds fixed, no ReLU or max-pool kink within ε of a value).
        GradientCheck(tolerance: 2e-3).checkParameters(of: network, input: TestTensors.random([3, 6, 6, 1], seed: 19), weightSeed: 20)
    }
}
