import NeuralNet
import Testing

/// The fast paths (im2col + sgemm, threaded chunks, per-chunk partial sums) against plain Double loops
/// written from the definitions, on shapes big enough that the work is split across threads.
@Suite struct ReferenceImplementationTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        let batch, height, width, channels, filters, kh, kw, strides: Int
        let padding: LayerSpec.Padding
        var testDescription: String {
            "\(batch)x\(height)x\(width)x\(channels) k\(kh)x\(kw) s\(strides) \(padding) → \(filters)"
        }
    }

    static let shapes = [
        Shape(batch: 5, height: 9, width: 8, channels: 3, filters: 4, kh: 3, kw: 3, strides: 1, padding: .same),
        Shape(batch: 3, height: 10, width: 11, channels: 2, filters: 5, kh: 5, kw: 3, strides: 2, padding: .same),
        Shape(batch: 4, height: 9, width: 9, channels: 4, filters: 3, kh: 4, kw: 4, strides: 2, padding: .valid),
        Shape(batch: 2, height: 6, width: 6, channels: 8, filters: 6, kh: 1, kw: 1, strides: 1, padding: .same),
        // Past 32 input channels a 1x1 convolution is one product of the input itself (a residual projection).
        Shape(batch: 3, height: 7, width: 6, channels: 40, filters: 24, kh: 1, kw: 1, strides: 1, padding: .same),
    ]

    /// TensorFlow's rule: out = ⌈n/s⌉ and the smaller half of the padding before (same); none (valid).
    static func geometry(_ n: Int, _ k: Int, _ s: Int, _ padding: LayerSpec.Padding) -> (out: Int, before: Int) {
        switch padding {
        case .valid: return ((n - k) / s + 1, 0)
        case .same:
            let out = (n + s - 1) / s
            return (out, max((out - 1) * s + k - n, 0) / 2)
        }
    }

    @Test(arguments: shapes)
    func conv2DMatchesDirectLoops(_ s: Shape) throws {
        let layer = try TestTensors.layer(.conv2D(filters: s.filters, kernel: [s.kh, s.kw], strides: s.strides,
                                                  padding: s.padding, useBias: true),
                                          input: [s.height, s.width, s.channels])
        let kernel = TestTensors.parameter(layer, "kernel"), bias = TestTensors.parameter(layer, "bias")
        TestTensors.randomize(bias.value, seed: 90)
        let x = TestTensors.random([s.batch, s.height, s.width, s.channels], seed: 91)
        let (oh, _) = Self.geometry(s.height, s.kh, s.strides, s.padding)
        let (ow, _) = Self.geometry(s.width, s.kw, s.strides, s.padding)
        let y = layer.forward(x, training: true)
        #expect(y.shape == [s.batch, oh, ow, s.filters])
        let dy = TestTensors.random(y.shape, seed: 92)
        let dx = layer.backward(dy)

        let expected = ConvolutionReference(s, x: x, kernel: kernel.value, bias: bias.value, dy: dy)
        Self.expectClose(y, expected.y, "output")
        Self.expectClose(dx, expected.dx, "input gradient")
        Self.expectClose(kernel.gradient, expected.dKernel, "kernel gradient")
        Self.expectClose(bias.gradient, expected.dBias, "bias gradient")
    }

    @Test func batchNormOverManyRowsMatchesTheFormulas() throws {
        // 2048 rows of 3 channels: the statistics are summed in two 1024-row blocks, on two threads.
        let layer = try TestTensors.layer(.batchNorm(), input: [8, 8, 3])
        let gamma = TestTensors.parameter(layer, "gamma"), beta = TestTensors.parameter(layer, "beta")
        TestTensors.randomize(gamma.value, seed: 93, low: 0.5, high: 1.5)
        TestTensors.randomize(beta.value, seed: 94)
        let x = TestTensors.random([32, 8, 8, 3], seed: 95, low: 2, high: 6)  // mean far from 0
        let y = layer.forward(x, training: true)
        let dy = TestTensors.random(y.shape, seed: 96)
        let dx = layer.backward(dy)
        let rows = x.count / 3
        var expectedY = [Double](repeating: 0, count: x.count), expectedDx = expectedY
        var expectedDGamma = [Double](repeating: 0, count: 3), expectedDBeta = expectedDGamma
        for j in 0..<3 {
            let indices = stride(from: j, to: x.count, by: 3)
            let mean = indices.reduce(0) { $0 + Double(x[$1]) } / Double(rows)
            let variance = indices.reduce(0) { $0 + (Double(x[$1]) - mean) * (Double(x[$1]) - mean) } / Double(rows)
            let inverseStd = 1 / (variance + 1e-3).squareRoot()
            var sumDy = 0.0, sumDyXHat = 0.0
            for i in indices {
                let xHat = (Double(x[i]) - mean) * inverseStd
                expectedY[i] = Double(gamma.value[j]) * xHat + Double(beta.value[j])
                sumDy += Double(dy[i])
                sumDyXHat += Double(dy[i]) * xHat
            }
            expectedDBeta[j] = sumDy
            expectedDGamma[j] = sumDyXHat
            // dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂))
            for i in indices {
                let xHat = (Double(x[i]) - mean) * inverseStd
                expectedDx[i] = Double(gamma.value[j]) * inverseStd
                    * (Double(dy[i]) - sumDy / Double(rows) - xHat * sumDyXHat / Double(rows))
            }
        }
        Self.expectClose(y, expectedY, "BatchNorm output")
        Self.expectClose(dx, expectedDx, "BatchNorm input gradient")
        Self.expectClose(gamma.gradient, expectedDGamma, "BatchNorm gamma gradient")
        Self.expectClose(beta.gradient, expectedDBeta, "BatchNorm beta gradient")
    }

    @Test func reluOverManyElementsMatchesItsDefinition() throws {
        let shape = [5, 64, 64, 8]  // 163,840 values: split into threaded chunks
        let layer = try TestTensors.layer(.relu, input: Array(shape.dropFirst()))
        let x = TestTensors.random(shape, seed: 97)
        let y = layer.forward(x, training: true).array
        #expect(y == x.array.map { max($0, 0) })
        let dy = TestTensors.random(shape, seed: 98)
        let dx = layer.backward(dy).array
        #expect(dx == (0..<x.count).map { x[$0] > 0 ? dy[$0] : 0 })
    }

    @Test func adamOverManyElementsUpdatesEveryOne() {
        let count = 150_000  // threaded chunks of the update loop
        let w = Parameter(name: "kernel", value: TestTensors.random([count], seed: 99), decays: true)
        let initial = w.value.array
        TestTensors.randomize(w.gradient, seed: 100)
        let adam = Adam(learningRate: 0.001)
        adam.update([w])
        let stepSize = 0.001 * (1 - 0.999).squareRoot() / (1 - 0.9)
        var worst = 0.0
        for i in 0..<count {
            let g = Double(w.gradient[i])
            let expected = Double(initial[i]) - stepSize * (0.1 * g) / ((0.001 * g * g).squareRoot() + 1e-7)
            worst = max(worst, abs(Double(w.value[i]) - expected))
        }
        #expect(worst < 1e-6)
    }

    /// Element-wise: |actual − expected| ≤ 1e-4 · max|expected| + 1e-5 · |expected| (Float sums vs Double).
    static func expectClose(_ actual: Tensor, _ expected: [Double], _ what: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)",
                sourceLocation: sourceLocation)
        let scale = expected.map(abs).max() ?? 0
        var worst = 0, worstExcess = -Double.infinity
        for i in 0..<min(actual.count, expected.count) {
            let excess = abs(Double(actual[i]) - expected[i]) - (1e-4 * scale + 1e-5 * abs(expected[i]))
            if excess > worstExcess { worstExcess = excess; worst = i }
        }
        #expect(worstExcess <= 0, "\(what): element \(worst) is \(actual[worst]), expected \(expected[worst])",
                sourceLocation: sourceLocation)
    }
}
