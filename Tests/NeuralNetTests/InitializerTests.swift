import NeuralNet
import Testing

/// Initial weights as Keras makes them: Glorot uniform kernels, zero biases, BatchNorm γ = 1, β = 0,
/// moving mean 0 and variance 1; reproducible from the seed.
@Suite struct InitializerTests {
    @Test(arguments: [(LayerSpec.conv(32, 3), [6, 6, 16], 3 * 3 * 16, 3 * 3 * 32),
                      (LayerSpec.dense(64), [200], 200, 64)])
    func kernelsAreGlorotUniform(spec: LayerSpec, input: [Int], fanIn: Int, fanOut: Int) throws {
        let layer = try TestTensors.layer(spec, input: input, seed: 11)
        let kernel = TestTensors.parameter(layer, "kernel").value.array.map(Double.init)
        let limit = (6 / Double(fanIn + fanOut)).squareRoot()
        // U(−l, l): every value inside, the extremes near ±l, mean ≈ 0, variance ≈ l²/3.
        #expect(kernel.allSatisfy { abs($0) <= limit })
        #expect(kernel.max()! > 0.98 * limit && kernel.min()! < -0.98 * limit)
        let mean = kernel.reduce(0, +) / Double(kernel.count)
        let variance = kernel.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(kernel.count)
        #expect(abs(mean) < 0.05 * limit)
        #expect(abs(variance / (limit * limit / 3) - 1) < 0.05)
        #expect(TestTensors.parameter(layer, "bias").value.array.allSatisfy { $0 == 0 })

        let again = try TestTensors.layer(spec, input: input, seed: 11)
        let other = try TestTensors.layer(spec, input: input, seed: 12)
        #expect(TestTensors.parameter(again, "kernel").value.array.map(Double.init) == kernel)
        #expect(TestTensors.parameter(other, "kernel").value.array.map(Double.init) != kernel)
    }

    @Test func batchNormStartsAsTheIdentityStatistics() throws {
        let layer = try TestTensors.layer(.batchNorm(), input: [4, 4, 3])
        #expect(layer.parameters.map(\.name) == ["gamma", "beta", "moving_mean", "moving_variance"])
        #expect(layer.parameters.map(\.isTrainable) == [true, true, false, false])
        #expect(TestTensors.parameter(layer, "gamma").value.array == [1, 1, 1])
        #expect(TestTensors.parameter(layer, "beta").value.array == [0, 0, 0])
        #expect(TestTensors.parameter(layer, "moving_mean").value.array == [0, 0, 0])
        #expect(TestTensors.parameter(layer, "moving_variance").value.array == [1, 1, 1])
    }
}
