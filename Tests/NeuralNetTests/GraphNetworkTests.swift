import Foundation
import NeuralNet
import Testing
import TestSupport

/// Networks as graphs: branches that join (`Add`, `Concatenate`), a node read by several layers, gradients
/// against finite differences, training, and architectures that are not graphs refused.
@Suite struct GraphNetworkTests {
    /// conv → (separable conv → BN → relu → maxpool same) + (1x1 conv stride 2) → concat with a depthwise branch
    /// → GAP → dense → softmax. Node 1 (relu) feeds three layers.
    static let residual = Architecture(inputShape: [8, 8, 2], layers: [
        .conv(4, 3, useBias: false),                                                            // 0 ← in
        .relu,                                                                                  // 1 ← 0
        .separableConv2D(filters: 4, kernel: [3, 3], strides: 1, padding: .same, useBias: false), // 2 ← 1
        .batchNorm(),                                                                           // 3 ← 2
        .maxPoolSame(size: 3, strides: 2),                                                      // 4 ← 3
        .conv(4, 1, strides: 2, padding: .same, useBias: true),                                 // 5 ← 1
        .add,                                                                                   // 6 ← 4, 5
        .depthwiseConv2D(kernel: [3, 3], strides: 2, padding: .same, depthMultiplier: 1, useBias: true), // 7 ← 1
        .concatenate,                                                                           // 8 ← 6, 7
        .globalAveragePool,                                                                     // 9 ← 8
        .dense(5),                                                                              // 10 ← 9
        .softmax,                                                                               // 11 ← 10
    ], inputs: [[-1], [0], [1], [2], [3], [1], [4, 5], [1], [6, 7], [8], [9], [10]])

    @Test func graphGradientsMatchFiniteDifferences() throws {
        let network = try Network(Self.residual, seed: 3)
        #expect(!network.isChain && network.outputShape == [5])
        GradientCheck(tolerance: 3e-3).checkParameters(of: network, input: TestTensors.random([3, 8, 8, 2], seed: 19), weightSeed: 20)
    }

    /// Two branches: conv → BatchNorm → ReLU → 2x2 max pool, whose inner nodes nothing else reads, runs as one
    /// folded stage; in the other the BatchNorm's output is also added to its ReLU's, so it stays a node of
    /// its own. Gradients in training (batch statistics, the fold's own backward) against finite differences,
    /// with the branches side by side and layer by layer. (The input is one whose activations lie clear of the
    /// ReLUs' kink by more than the step: with others a difference quotient straddles it, before folding too.)
    @Test(arguments: [true, false])
    func foldedStagesInAGraphKeepTheGradients(sideBySide: Bool) throws {
        let network = try Network(inputShape: [8, 8, 2], layers: [
            .conv(4, 3, useBias: false), .batchNorm(), .relu, .maxPool(size: 2, strides: 2),      // 0 ← in … 3 ← 2
            .conv(4, 3, useBias: false), .batchNorm(), .relu, .add, .maxPool(size: 2, strides: 2), // 4 ← in, 5, 6, 7 ← 5, 6; 8
            .add, .globalAveragePool, .dense(3), .softmax,                     // 9 ← 3, 8; 10 ← 9; 11; 12
        ], inputs: [[-1], [0], [1], [2], [-1], [4], [5], [5, 6], [7], [3, 8], [9], [10], [11]], seed: 4)
        network.runsBranchesSideBySide = sideBySide
        #expect(network.stages(through: 13) == [0..<1, 1..<4] + (4..<13).map { $0..<($0 + 1) })
        #expect(network.branchesSideBySide(batch: 3) == (sideBySide && Compute.threads > 1 ? 2 : 0))
        GradientCheck(tolerance: 3e-3, training: true)
            .checkParameters(of: network, input: TestTensors.random([3, 8, 8, 2], seed: 41), weightSeed: 22)
    }

    @Test func aChainBuiltAsAGraphComputesWhatTheChainDoes() throws {
        let specs: [LayerSpec] = [.conv(3, 3), .relu, .maxPool(size: 2, strides: 2), .flatten, .dense(4), .softmax]
        let chain = try Network(inputShape: [6, 6, 1], layers: specs, seed: 7)
        // The relu's output read twice and added (2x), the dense kernel halved: exactly the chain's numbers,
        // as powers of two scale without rounding.
        let graph = try Network(inputShape: [6, 6, 1], layers: [specs[0], specs[1], .add] + specs[2...],
                                inputs: [[-1], [0], [1, 1], [2], [3], [4], [5]], seed: 7)
        #expect(chain.isChain && chain.architecture.inputs == nil && !graph.isChain)
        for (a, b) in zip(chain.namedParameters, graph.namedParameters) {
            b.parameter.value.copy(from: a.parameter.value)
            if b.name == "5.kernel" { for i in 0..<b.parameter.value.count { b.parameter.value[i] /= 2 } }
        }
        let input = TestTensors.random([2, 6, 6, 1], seed: 8)
        #expect(chain(input).array == graph(input).array)
    }

    @Test func aResidualGraphLearnsSixtyFourSamplesByHeart() throws {
        let inputs = TestTensors.random([64, 8, 8, 2], seed: 50)
        var generator = SeededGenerator(seed: 51)
        let labels = (0..<64).map { _ in Int(generator.next() % 5) }
        let network = try Network(Self.residual, seed: 1)
        let adam = Adam(learningRate: 0.01)
        let loss = CrossEntropyLoss(), gradient = Tensor(shape: [0])
        for step in 0..<300 {
            if step == 225 { adam.learningRate = 0.001 }
            loss(logits: network.logits(inputs, training: true), labels: labels, gradient: gradient)
            network.backwardFromLogits(gradient)
            adam.update(network.trainableParameters)
        }
        let probabilities = network.forward(inputs, training: false)
        let correct = labels.indices.filter { n in
            let row = (0..<5).map { probabilities[n * 5 + $0] }
            return row.firstIndex(of: row.max()!) == labels[n]
        }.count
        #expect(correct == 64)
    }

    @Test(arguments: [
        ([[-1], [2], [1]], "reads node 2, which does not come before it"),
        ([[-1], [0], [0, 1]], "takes one input, not 2"),
        ([[-1], [-1], [1]], "layer 0 (Conv2D) feeds no other layer"),
        ([[-1], [0]], "3 layers but inputs for 2"),
    ])
    func edgesThatDoNotMakeAGraphAreRefused(_ inputs: [[Int]], _ message: String) throws {
        let architecture = Architecture(inputShape: [4, 4, 1], layers: [.conv(2, 3), .relu, .globalAveragePool], inputs: inputs)
        let error = try #require(throws: NetworkError.self) { try Network(architecture) }
        #expect("\(error)".contains(message), "\(error)")
    }

    @Test func addOfMismatchedShapesIsRefused() throws {
        let architecture = Architecture(inputShape: [4, 4, 1], layers: [.conv(2, 3), .conv(3, 3), .add, .globalAveragePool],
                                        inputs: [[-1], [-1], [0, 1], [2]])
        let error = try #require(throws: NetworkError.self) { try Network(architecture) }
        #expect("\(error)".contains("layer 2 (Add)"), "\(error)")
    }

    @Test func graphModelFilesRoundTrip() throws {
        let network = try Network(Self.residual, seed: 4)
        for (name, parameter) in network.namedParameters where name.hasSuffix("moving_mean") { TestTensors.randomize(parameter.value, seed: 5) }
        let model = ModelFile(network: network, classNames: ["a", "b", "c", "d", "e"], normalization: .unitRange)
        let url = try TestData.temporaryDirectory("graph").appendingPathComponent("graph.safetensors")
        try model.save(to: url)
        let loaded = try ModelFile.load(url)
        #expect(loaded.network.architecture == Self.residual)
        let input = TestTensors.random([2, 8, 8, 2], seed: 6)
        #expect(loaded.network(input).array == network(input).array)
    }

    @Test func modelFileWithACycleNamesTheFile() throws {
        let network = try Network(Self.residual, seed: 4)
        let url = try TestData.temporaryDirectory("graph").appendingPathComponent("cycle.safetensors")
        try ModelFile(network: network, classNames: ["a", "b", "c", "d", "e"], normalization: .unitRange).save(to: url)
        // Rewrite the stored edges so that layer 2 reads layer 6, which (through 4 and 3) reads it.
        var bytes = try Data(contentsOf: url)
        let from = Data("[[-1],[0],[1],".utf8), to = Data("[[-1],[0],[6],".utf8)
        let range = try #require(bytes.range(of: from))
        bytes.replaceSubrange(range, with: to)
        try bytes.write(to: url)
        let error = try #require(throws: ModelFileError.self) { try ModelFile.load(url) }
        #expect(error.path == url.path && error.problem.contains("does not come before it"), "\(error)")
    }
}
