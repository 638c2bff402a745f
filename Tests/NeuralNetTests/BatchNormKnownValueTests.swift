import NeuralNet
import Testing

/// BatchNorm against its defining formulas, computed in Double.
@Suite struct BatchNormKnownValueTests {
    static func layer(_ shape: [Int]) throws -> (any Layer, gamma: Tensor, beta: Tensor, mean: Tensor, variance: Tensor) {
        let layer = try TestTensors.layer(.batchNorm(), input: shape)
        let c = shape.last!
        let gamma = TestTensors.parameter(layer, "gamma").value
        let beta = TestTensors.parameter(layer, "beta").value
        let mean = TestTensors.parameter(layer, "moving_mean").value
        let variance = TestTensors.parameter(layer, "moving_variance").value
        for j in 0..<c {
            gamma[j] = 0.5 + Float(j)
            beta[j] = Float(j) - 1
            mean[j] = 0.25 * Float(j + 1)
            variance[j] = 0.5 + 2 * Float(j)
        }
        return (layer, gamma, beta, mean, variance)
    }

    @Test func inferenceIsTheAffineFormula() throws {
        let (layer, gamma, beta, mean, variance) = try Self.layer([2, 3, 3])
        let input = TestTensors.random([2, 2, 3, 3], seed: 40, low: -2, high: 2)
        let output = layer.forward(input, training: false)
        for i in 0..<input.count {
            let j = i % 3
            // y = γ·(x − mean)/√(var + ε) + β with ε = 1e-3 (Keras's default).
            let expected = Double(gamma[j]) * (Double(input[i]) - Double(mean[j]))
                / (Double(variance[j]) + 1e-3).squareRoot() + Double(beta[j])
            #expect(abs(Double(output[i]) - expected) <= 1e-6 * max(1, abs(expected)), "element \(i)")
        }
        // Inference leaves the moving statistics alone.
        #expect(mean.array == [0.25, 0.5, 0.75])
        #expect(variance.array == [0.5, 2.5, 4.5])
    }

    @Test func trainingUsesBatchStatisticsAndMovesTheAverages() throws {
        let (layer, gamma, beta, mean, variance) = try Self.layer([2, 2, 2])
        let input = TestTensors.random([3, 2, 2, 2], seed: 41, low: -1, high: 3)
        let oldMean = mean.array.map(Double.init), oldVariance = variance.array.map(Double.init)
        let output = layer.forward(input, training: true)
        for j in 0..<2 {
            let values = stride(from: j, to: input.count, by: 2).map { Double(input[$0]) }
            let m = values.reduce(0, +) / Double(values.count)
            let v = values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)  // biased, as Keras
            for i in stride(from: j, to: input.count, by: 2) {
                let expected = Double(gamma[j]) * (Double(input[i]) - m) / (v + 1e-3).squareRoot() + Double(beta[j])
                #expect(abs(Double(output[i]) - expected) <= 1e-5 * max(1, abs(expected)), "element \(i)")
            }
            // moving = momentum·moving + (1 − momentum)·batch, momentum 0.99.
            #expect(abs(Double(mean[j]) - (0.99 * oldMean[j] + 0.01 * m)) < 1e-6)
            #expect(abs(Double(variance[j]) - (0.99 * oldVariance[j] + 0.01 * v)) < 1e-6)
        }
    }
}
