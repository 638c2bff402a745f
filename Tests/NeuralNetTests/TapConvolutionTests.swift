import Testing
@testable import NeuralNet

/// Small images at inference convolve tap by tap (shifted products, no im2col); the result must be the one
/// im2col gives (itself checked against direct loops in ReferenceImplementationTests).
@Suite("Tap-by-tap convolution")
struct TapConvolutionTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        let batch, height, width, channels, filters, kh, kw: Int
        let padding: LayerSpec.Padding
        var testDescription: String { "\(batch)x\(height)x\(width)x\(channels) k\(kh)x\(kw) \(padding) → \(filters)" }
    }

    static let shapes = [
        Shape(batch: 1, height: 6, width: 6, channels: 32, filters: 48, kh: 5, kw: 5, padding: .same),   // the 6x6 layer's geometry
        Shape(batch: 1, height: 8, width: 8, channels: 16, filters: 40, kh: 3, kw: 3, padding: .same),
        Shape(batch: 2, height: 5, width: 6, channels: 16, filters: 20, kh: 3, kw: 5, padding: .same),
        Shape(batch: 1, height: 7, width: 7, channels: 24, filters: 17, kh: 3, kw: 3, padding: .valid),
        Shape(batch: 1, height: 4, width: 4, channels: 16, filters: 1, kh: 3, kw: 3, padding: .same),
    ]

    @Test(arguments: KernelLevel.allCases, shapes)
    func matchesIm2col(level: KernelLevel, _ s: Shape) throws {
        var g1 = SeededGenerator(seed: 3), g2 = SeededGenerator(seed: 3)
        let shape = [s.height, s.width, s.channels]
        let taps = Conv2D(inputShape: shape, filters: s.filters, kernel: (s.kh, s.kw), strides: 1, padding: s.padding,
                          useBias: true, generator: &g1, allowWinograd: false)
        let im2col = Conv2D(inputShape: shape, filters: s.filters, kernel: (s.kh, s.kw), strides: 1, padding: s.padding,
                            useBias: true, generator: &g2, allowWinograd: false)
        TestTensors.randomize(taps.bias!.value, seed: 4)
        im2col.bias!.value.copy(from: taps.bias!.value)
        #expect(s.batch * taps.outputShape[0] * taps.outputShape[1] <= Conv2D.tapConvolutionMaximumRows)
        let x = TestTensors.random([s.batch] + shape, seed: 5)
        let expected = im2col.forward(x, training: false).array
        taps.prepareForInference()
        let y = try KernelLevels.run(at: level) { taps(x).array }
        #expect(taps.lastPath == .taps)
        #expect(WinogradTests.relativeError(y, expected) < 1e-6)
        // Trained again, the layer goes back to im2col (it may be asked for gradients) and agrees still.
        let trained = taps.forward(x, training: true).array, reference = im2col.forward(x, training: true).array
        #expect(zip(trained, reference).allSatisfy { $0 == $1 }, "training forward differs from im2col's")
    }

    /// Few channels and few filters (fer's mini-Xception: 8 to 8 on 60x60) go tap by tap at any batch, images
    /// split between threads.
    static let thinShapes = [
        Shape(batch: 3, height: 12, width: 12, channels: 8, filters: 8, kh: 3, kw: 3, padding: .valid),
        Shape(batch: 4, height: 10, width: 9, channels: 4, filters: 16, kh: 3, kw: 3, padding: .same),
        Shape(batch: 2, height: 9, width: 9, channels: 8, filters: 5, kh: 5, kw: 5, padding: .same),
    ]

    @Test(arguments: thinShapes)
    func thinAndNarrowLayersMatchIm2colAtAnyBatch(_ s: Shape) throws {
        var g1 = SeededGenerator(seed: 6), g2 = SeededGenerator(seed: 6)
        let shape = [s.height, s.width, s.channels]
        let taps = Conv2D(inputShape: shape, filters: s.filters, kernel: (s.kh, s.kw), strides: 1, padding: s.padding,
                          useBias: true, generator: &g1, allowWinograd: false)
        let im2col = Conv2D(inputShape: shape, filters: s.filters, kernel: (s.kh, s.kw), strides: 1, padding: s.padding,
                            useBias: true, generator: &g2, allowWinograd: false)
        TestTensors.randomize(taps.bias!.value, seed: 7)
        im2col.bias!.value.copy(from: taps.bias!.value)
        #expect(s.batch * taps.outputShape[0] * taps.outputShape[1] > Conv2D.tapConvolutionMaximumRows)
        let x = TestTensors.random([s.batch] + shape, seed: 8)
        let expected = im2col.forward(x, training: false).array
        taps.prepareForInference()
        let y = taps(x).array
        #expect(taps.lastPath == .taps)
        #expect(WinogradTests.relativeError(y, expected) < 1e-6)
    }
}
