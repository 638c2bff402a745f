import NeuralNet
import Testing

/// Our layers, loss and optimisers against tf.keras on the same weights and inputs (fixtures made by
/// Tests/Fixtures/keras/make_fixtures.py; no Python needed here). Tolerance: |ours − Keras| ≤ 1e-5 +
/// 1e-4·|Keras| per element for forward values; gradients and updated weights as stated per test.
@Suite struct KerasReferenceTests {
    static func fixtures() throws -> KerasFixtures { try KerasFixtures.shared.get() }

    @Test func fixturesArePresent() throws {
        let fixtures = try Self.fixtures()
        let kinds = Dictionary(grouping: fixtures.document.cases, by: \.kind).mapValues(\.count)
        #expect(kinds["inference"] == 19)
        #expect(kinds["batchnorm_training"] == 2)
        #expect(kinds["loss"] == 2)
        #expect(kinds["train_step"] == 4)
    }

    @Test(arguments: KerasFixtures.caseNames(kind: "inference"))
    func inference(_ name: String) throws {
        let fixtures = try Self.fixtures()
        let testCase = try fixtures.testCase(name)
        let network = try fixtures.network(testCase)
        #expect(network.parameterCount == testCase.parameterCount, "\(name): parameters counted as Keras counts")
        let expected = try fixtures.tensor(try #require(testCase.output))
        let output = network.forward(try fixtures.tensor(try #require(testCase.input)), training: false)
        #expect(output.shape == expected.shape)
        let closeness = Closeness(output, expected)
        #expect(closeness.passes, "\(name): \(closeness)")
    }

    @Test(arguments: KerasFixtures.caseNames(kind: "batchnorm_training"))
    func batchNormTraining(_ name: String) throws {
        let fixtures = try Self.fixtures()
        let testCase = try fixtures.testCase(name)
        let network = try fixtures.network(testCase)
        let output = network.forward(try fixtures.tensor(try #require(testCase.input)), training: true)
        let closeness = Closeness(output, try fixtures.tensor(try #require(testCase.output)))
        #expect(closeness.passes, "\(name) output: \(closeness)")
        let layer = try #require(network.layers.first as? BatchNorm)
        let mean = Closeness(layer.movingMean.value, try fixtures.tensor(try #require(testCase.movingMeanAfter)))
        #expect(mean.passes, "\(name) moving mean: \(mean)")
        let variance = Closeness(layer.movingVariance.value,
                                 try fixtures.tensor(try #require(testCase.movingVarianceAfter)))
        #expect(variance.passes, "\(name) moving variance: \(variance)")
    }

    @Test(arguments: KerasFixtures.caseNames(kind: "loss"))
    func loss(_ name: String) throws {
        let fixtures = try Self.fixtures()
        let testCase = try fixtures.testCase(name)
        let loss = CrossEntropyLoss(labelSmoothing: testCase.labelSmoothing ?? 0, classWeights: testCase.classWeights)
        let gradient = Tensor(shape: [0])
        let value = loss(logits: try fixtures.tensor(try #require(testCase.logits)),
                         labels: try #require(testCase.labels), gradient: gradient)
        let expected = try fixtures.tensor(try #require(testCase.loss))[0]
        #expect(abs(value - expected) <= 1e-5 * abs(expected), "\(name): loss \(value) vs Keras \(expected)")
        let closeness = Closeness(gradient, try fixtures.tensor(try #require(testCase.gradient)), absolute: 1e-6)
        #expect(closeness.passes, "\(name) gradient: \(closeness)")
    }

    /// Whole training steps (forward in training mode, loss, backward, optimiser) from the same weights.
    /// Gradients: ‖ours − Keras‖₂ ≤ 1e-4·‖Keras‖₂ per parameter (sums over the batch are ordered
    /// differently); logits and weights after each step element-wise within 1e-5 + 1e-4·|Keras|.
    @Test(arguments: KerasFixtures.caseNames(kind: "train_step"))
    func trainingStep(_ name: String) throws {
        let fixtures = try Self.fixtures()
        let testCase = try fixtures.testCase(name)
        let network = try fixtures.network(testCase)
        let spec = try #require(testCase.optimizer)
        let optimizer: any Optimizer = spec.type == "adam"
            ? Adam(learningRate: spec.learningRate)
            : SGD(learningRate: spec.learningRate, momentum: spec.momentum ?? 0, nesterov: spec.nesterov ?? false)
        let loss = CrossEntropyLoss(labelSmoothing: testCase.labelSmoothing ?? 0, classWeights: testCase.classWeights)
        let input = try fixtures.tensor(try #require(testCase.input))
        let labels = try #require(testCase.labels)
        let gradient = Tensor(shape: [0])
        for (index, step) in try #require(testCase.steps).enumerated() {
            let logits = network.logits(input, training: true)
            let logitCloseness = Closeness(logits, try fixtures.tensor(step.logits))
            #expect(logitCloseness.passes, "\(name) step \(index) logits: \(logitCloseness)")
            let value = loss(logits: logits, labels: labels, gradient: gradient)
            let expectedLoss = try fixtures.tensor(step.loss)[0]
            #expect(abs(value - expectedLoss) <= 1e-5 * abs(expectedLoss),
                    "\(name) step \(index): loss \(value) vs Keras \(expectedLoss)")
            network.backwardFromLogits(gradient)
            for entry in step.gradients {
                let ours = try fixtures.parameter(network, entry).gradient.array.map(Double.init)
                let keras = try fixtures.tensor(entry.tensor).array.map(Double.init)
                let difference = zip(ours, keras).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
                let norm = keras.map { $0 * $0 }.reduce(0, +).squareRoot()
                #expect(ours.count == keras.count)
                #expect(difference <= 1e-4 * norm + 1e-7,
                        "\(name) step \(index) gradient of \(entry.layer).\(entry.name): relative error \(difference / norm)")
            }
            optimizer.update(network.trainableParameters)
            for entry in step.weightsAfter {
                let closeness = Closeness(try fixtures.parameter(network, entry).value, try fixtures.tensor(entry.tensor))
                #expect(closeness.passes, "\(name) step \(index) \(entry.layer).\(entry.name) after update: \(closeness)")
            }
        }
    }
}
