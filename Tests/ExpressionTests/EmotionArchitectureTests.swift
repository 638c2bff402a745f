import Expression
import NeuralNet
import Testing

/// What the architectures' descriptions promise.
struct EmotionArchitectureTests {
    @Test(arguments: EmotionArchitecture.allCases)
    func mapsFacesToSevenProbabilities(_ architecture: EmotionArchitecture) throws {
        let network = try Network(architecture.architecture, seed: 2)
        let faces = Tensor(shape: [2, 48, 48, 1])
        for i in 0..<faces.count { faces[i] = Float((i * 31) % 256) / 255 }
        let probabilities = network(faces)
        #expect(probabilities.shape == [2, 7])
        for n in 0..<2 {
            let row = (0..<7).map { probabilities[n * 7 + $0] }
            #expect(abs(row.reduce(0, +) - 1) < 1e-5 && row.allSatisfy { $0 > 0 }, "\(architecture): \(row)")
        }
    }

    /// `residual`: at each scale two 3x3 convolutions are added to a 1x1 projection of the same block input,
    /// and the whole costs what `compact`'s convolutions cost, with fewer weights.
    @Test func residualBlocksAddAProjectionOfTheirInput() throws {
        let shape = EmotionArchitecture.residual.architecture
        let network = try Network(shape)
        func kernel(_ index: Int) -> [Int]? {
            if case let .conv2D(_, kernel, _, _, _) = network.layers[index].spec { kernel } else { nil }
        }
        /// The layer a BatchNorm normalises.
        func normalised(_ index: Int) -> Int {
            #expect(network.layers[index] is BatchNorm)
            return network.inputs[index][0]
        }
        let sums = network.layers.indices.filter { network.layers[$0].spec == .add }
        #expect(sums.count == 3)
        for sum in sums {
            let sources = network.inputs[sum]
            try #require(sources.count == 2)
            let second = normalised(sources[0]), projection = normalised(sources[1])
            #expect(kernel(second) == [3, 3] && kernel(projection) == [1, 1])
            let rectified = network.inputs[second][0]
            #expect(network.layers[rectified] is ReLU)
            let first = normalised(network.inputs[rectified][0])
            #expect(kernel(first) == [3, 3])
            #expect(network.inputs[first] == network.inputs[projection], "both branches read the block's input")
        }
        let residual = try NetworkLimits.check(inputShape: shape.inputShape, layers: shape.layers, inputs: shape.inputs)
        let compact = try NetworkLimits.check(inputShape: [48, 48, 1], layers: EmotionArchitecture.compact.architecture.layers)
        let cost = Double(residual.multiplyAccumulatesPerSample) / Double(compact.multiplyAccumulatesPerSample)
        #expect(cost > 0.98 && cost < 1.1, "residual / compact multiply-accumulates: \(cost)")
        #expect(Double(residual.parameters) < 0.75 * Double(compact.parameters))
    }
}
