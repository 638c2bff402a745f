import NeuralNet
import Testing

/// End to end: a small network learns 64 random samples with random labels by heart (forward, loss,
/// backward and Adam all have to be right for that), and training is reproducible bit for bit.
@Suite struct OverfitTests {
    static let sampleCount = 64
    static let classes = 7

    static let architecture = Architecture(inputShape: [8, 8, 1], layers: [
        .conv(8, 3), .batchNorm(), .relu, .maxPool(size: 2, strides: 2),
        .conv(8, 3, strides: 2, padding: .valid, useBias: false), .batchNorm(), .relu,
        .flatten, .dense(32), .relu, .dropout(rate: 0.1), .dense(classes), .softmax,
    ])

    static let inputs = TestTensors.random([sampleCount, 8, 8, 1], seed: 50)
    static let labels: [Int] = {
        var generator = SeededGenerator(seed: 51)
        return (0..<sampleCount).map { _ in Int(generator.next() % UInt64(classes)) }
    }()

    /// Full-batch Adam for `steps` steps, the last quarter at a tenth of the learning rate so that the weights
    /// settle and BatchNorm's moving statistics (what inference uses) catch up with them; dropout reseeded per
    /// step as the trainer does.
    static func train(seed: UInt64, steps: Int) throws -> Sequential {
        let network = try Sequential(architecture, seed: seed)
        let adam = Adam(learningRate: 0.01)
        let loss = CrossEntropyLoss()
        let gradient = Tensor(shape: [0])
        for step in 0..<steps {
            if step == steps * 3 / 4 { adam.learningRate = 0.001 }
            network.reseedDropout(UInt64(step))
            let logits = network.logits(inputs, training: true)
            loss(logits: logits, labels: labels, gradient: gradient)
            network.backwardFromLogits(gradient)
            adam.update(network.trainableParameters)
        }
        return network
    }

    static func accuracy(_ network: Sequential) -> Double {
        let probabilities = network.forward(inputs, training: false)
        var correct = 0
        for (n, label) in labels.enumerated() {
            let row = (0..<classes).map { probabilities[n * classes + $0] }
            if row.firstIndex(of: row.max()!) == label { correct += 1 }
        }
        return Double(correct) / Double(sampleCount)
    }

    @Test func learnsSixtyFourRandomSamplesByHeart() throws {
        let untrained = try Sequential(Self.architecture, seed: 1)
        #expect(Self.accuracy(untrained) < 0.5)
        let network = try Self.train(seed: 1, steps: 400)
        // Inference mode, with the moving BatchNorm statistics: every one of the 64 is right.
        #expect(Self.accuracy(network) == 1)
        let logits = network.logits(Self.inputs, training: false)
        #expect(CrossEntropyLoss()(logits: logits, labels: Self.labels) < 0.1)
    }

    @Test func sameSeedGivesBitIdenticalWeights() throws {
        let first = try Self.train(seed: 7, steps: 25)
        let second = try Self.train(seed: 7, steps: 25)
        let other = try Self.train(seed: 8, steps: 25)
        #expect(first.namedParameters.count == second.namedParameters.count)
        for (a, b) in zip(first.namedParameters, second.namedParameters) {
            #expect(a.name == b.name)
            #expect(a.parameter.value.array == b.parameter.value.array, "\(a.name) differs between runs")
        }
        #expect(first.namedParameters[0].parameter.value.array != other.namedParameters[0].parameter.value.array)
    }
}
