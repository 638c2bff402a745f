import NeuralNet
import Testing

/// Layers keep their output and gradient buffers between calls. A layer that has already run on other
/// batch sizes (larger, then smaller) must give exactly what a fresh layer gives.
@Suite struct BufferReuseTests {
    static let cases: [(LayerSpec, [Int])] = [
        (.conv(3, 3), [5, 5, 2]),
        (.conv(3, 3, strides: 2, padding: .valid), [7, 6, 2]),
        (.conv(4, 1), [3, 3, 3]),
        (.batchNorm(), [3, 3, 2]),
        (.relu, [3, 3, 2]),
        (.maxPool(size: 2, strides: 2), [5, 4, 2]),
        (.averagePool(size: 3, strides: 1), [5, 4, 2]),
        (.globalAveragePool, [3, 4, 2]),
        (.dropout(rate: 0.3), [6]),
        (.flatten, [2, 3, 2]),
        (.dense(4), [6]),
        (.softmax, [5]),
    ]

    @Test(arguments: cases.indices)
    func batchSizeChangesGiveFreshResults(_ index: Int) throws {
        let (spec, shape) = Self.cases[index]
        let used = try TestTensors.layer(spec, input: shape, seed: 5)
        for (n, batch) in [6, 2, 4].enumerated() {
            let input = TestTensors.random([batch] + shape, seed: 60 + UInt64(n))
            let fresh = try TestTensors.layer(spec, input: shape, seed: 5)
            for layer in [used, fresh] { (layer as? Dropout)?.generator = SeededGenerator(seed: 9) }
            let expected = fresh.forward(input, training: true).array
            let output = used.forward(input, training: true)
            #expect(output.array == expected, "\(spec.kind) forward at batch \(batch)")
            let dy = TestTensors.random(output.shape, seed: 70 + UInt64(n))
            let expectedGradient = fresh.backward(dy).array
            #expect(used.backward(dy).array == expectedGradient, "\(spec.kind) input gradient at batch \(batch)")
            for (a, b) in zip(used.parameters.filter(\.isTrainable), fresh.parameters.filter(\.isTrainable)) {
                #expect(a.gradient.array == b.gradient.array, "\(spec.kind).\(a.name) gradient at batch \(batch)")
            }
        }
    }

    @Test func sequentialOutputBelongsToTheLastLayerAndIsRefilled() throws {
        let network = try Sequential(inputShape: [4, 4, 1], layers: [.conv(2, 3), .relu, .flatten, .dense(3), .softmax],
                                     seed: 2)
        let a = TestTensors.random([3, 4, 4, 1], seed: 80), b = TestTensors.random([1, 4, 4, 1], seed: 81)
        let first = network(a).array
        let single = network(b).array
        #expect(network(a).array == first)
        #expect(Array(network(b).array) == single)
        #expect(single.count == 3)
        #expect(abs(single.reduce(0, +) - 1) < 1e-6)
    }
}
