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

/// Copies of a network for other threads share its weights (`Tensor.share`): the same numbers, no second copy,
/// and storage that outlives the tensor it came from.
@Suite struct SharedWeightTests {
    @Test func aSharingTensorReadsAndOutlivesItsSource() {
        var source: Tensor? = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let reader = Tensor(shape: [2, 3])
        reader.share(source!)
        #expect(reader.data == source!.data && reader.array == [1, 2, 3, 4, 5, 6])
        let second = Tensor(shape: [2, 3])
        second.share(reader)
        source![4] = 50
        #expect(reader[4] == 50 && second[4] == 50)
        source = nil
        #expect(reader.array == [1, 2, 3, 4, 50, 6] && second.array == reader.array)
    }

    @Test func ensembleMembersCanShareTheEnsemblesWeights() throws {
        let members = try [1, 2].map { try Network(inputShape: [6, 6, 1], layers: [.conv(2, 3), .flatten, .dense(3), .softmax],
                                                    seed: UInt64($0)) }
        let ensemble = try Ensemble.combine(members)
        let shared = try #require(Ensemble.members(of: ensemble, sharingWeights: true))
        let x = TestTensors.random([2, 6, 6, 1], seed: 3)
        for (a, b) in zip(shared, members) { #expect(a(x).array == b(x).array) }
        #expect(shared[1].namedParameters[0].parameter.value.data == ensemble.namedParameters[4].parameter.value.data)
    }
}
