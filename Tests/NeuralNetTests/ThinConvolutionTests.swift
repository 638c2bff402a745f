import Testing
@testable import NeuralNet

/// Convolutions with few taps (a gray image's 3x3) read straight from the image by `nk_conv_thin`, at every
/// kernel level, against plain Double loops: filter counts around the 16-lane panels and the 64-column groups,
/// output widths around the 6-pixel blocks, strides, both paddings, 1-wide images and an empty batch; and
/// the gradients, with tap counts around the kernel gradient's groups of 12 (5x5: 25, 4x4x2: 32).
@Suite("Thin convolution")
struct ThinConvolutionTests {
    typealias Shape = ReferenceImplementationTests.Shape

    static let shapes = [
        Shape(batch: 2, height: 48, width: 48, channels: 1, filters: 64, kh: 3, kw: 3, strides: 1, padding: .same),  // the tutorial's first layer
        Shape(batch: 1, height: 7, width: 11, channels: 1, filters: 37, kh: 3, kw: 3, strides: 1, padding: .same),
        Shape(batch: 3, height: 9, width: 5, channels: 3, filters: 70, kh: 3, kw: 3, strides: 2, padding: .same),
        Shape(batch: 1, height: 6, width: 1, channels: 2, filters: 16, kh: 3, kw: 3, strides: 1, padding: .same),
        Shape(batch: 2, height: 8, width: 9, channels: 1, filters: 5, kh: 5, kw: 5, strides: 1, padding: .valid),
        Shape(batch: 1, height: 1, width: 1, channels: 1, filters: 1, kh: 3, kw: 3, strides: 1, padding: .same),
        Shape(batch: 2, height: 5, width: 7, channels: 3, filters: 33, kh: 1, kw: 1, strides: 1, padding: .same),
        Shape(batch: 1, height: 10, width: 10, channels: 2, filters: 129, kh: 4, kw: 4, strides: 3, padding: .valid),
    ]

    @Test(arguments: KernelLevel.allCases, shapes)
    func matchesDirectLoops(level: KernelLevel, _ s: Shape) throws {
        let layer = try #require(try TestTensors.layer(.conv2D(filters: s.filters, kernel: [s.kh, s.kw], strides: s.strides,
                                                               padding: s.padding, useBias: true),
                                                       input: [s.height, s.width, s.channels]) as? Conv2D)
        TestTensors.randomize(layer.bias!.value, seed: 30)
        let x = TestTensors.random([s.batch, s.height, s.width, s.channels], seed: 31)
        let expected = ConvolutionReference(s, x: x, kernel: layer.kernel.value, bias: layer.bias!.value, dy: nil).y
        // Training and inference forwards both take the thin path.
        let trained = try KernelLevels.run(at: level) { layer.forward(x, training: true) }
        #expect(layer.lastPath == .thin)
        ReferenceImplementationTests.expectClose(trained, expected, "training forward")
        layer.prepareForInference()
        let inferred = try KernelLevels.run(at: level) { layer(x) }
        #expect(layer.lastPath == .thin)
        ReferenceImplementationTests.expectClose(inferred, expected, "inference forward")
    }

    /// The kernel gradient (`nk_conv_thin_kernel_gradient`, image by image) and the input gradient, at every
    /// kernel level, against Double loops of dK = Σ x · dY and dX = Σ dY · K.
    @Test(arguments: KernelLevel.allCases, shapes)
    func gradientsMatchDirectLoops(level: KernelLevel, _ s: Shape) throws {
        let layer = try #require(try TestTensors.layer(.conv2D(filters: s.filters, kernel: [s.kh, s.kw], strides: s.strides,
                                                               padding: s.padding, useBias: true),
                                                       input: [s.height, s.width, s.channels]) as? Conv2D)
        let x = TestTensors.random([s.batch, s.height, s.width, s.channels], seed: 32)
        let (oh, _) = ReferenceImplementationTests.geometry(s.height, s.kh, s.strides, s.padding)
        let (ow, _) = ReferenceImplementationTests.geometry(s.width, s.kw, s.strides, s.padding)
        let dy = TestTensors.random([s.batch, oh, ow, s.filters], seed: 33)
        let dx = try KernelLevels.run(at: level) { () -> Tensor in
            _ = layer.forward(x, training: true)
            return layer.backward(dy)
        }
        #expect(layer.lastPath == .thin)
        let expected = ConvolutionReference(s, x: x, kernel: layer.kernel.value, bias: nil, dy: dy)
        ReferenceImplementationTests.expectClose(layer.kernel.gradient, expected.dKernel, "kernel gradient at \(level)")
        ReferenceImplementationTests.expectClose(dx, expected.dx, "input gradient at \(level)")
    }

    @Test func anEmptyBatchGivesAnEmptyOutput() throws {
        let layer = try #require(try TestTensors.layer(.conv2D(filters: 64, kernel: [3, 3], strides: 1, padding: .same,
                                                               useBias: true), input: [48, 48, 1]) as? Conv2D)
        let y = layer.forward(Tensor(shape: [0, 48, 48, 1]), training: false)
        #expect(y.shape == [0, 48, 48, 64])
        #expect(layer.lastPath == .thin)
    }
}
