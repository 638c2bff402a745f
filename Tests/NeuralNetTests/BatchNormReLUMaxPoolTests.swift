import Foundation
import Testing
@testable import NeuralNet

/// A chain folds a BatchNorm, its ReLU and a 2x2 max pool of stride 2 into one training stage
/// (`BatchNormReLUMaxPool`, NeuralKernels/normalize.c at every level the CPU has). Checked against the three
/// layers run one by one, against finite differences, and on ties inside a window.
@Suite struct BatchNormReLUMaxPoolTests {
    /// Channel counts around the vector widths (1-wide, not a multiple of 8 or 16, more than 32), windows
    /// from one to many, and enough pooled values to cross the 1024-value blocks the sums are split into.
    static let shapes: [[Int]] = [[2, 2, 1], [4, 6, 17], [6, 4, 33], [8, 8, 64], [24, 24, 16]]

    /// The three layers as a network, γ and β away from their defaults.
    static func network(_ shape: [Int], pool: LayerSpec = .maxPool(size: 2, strides: 2)) throws -> Network {
        let network = try Network(inputShape: shape, layers: [.batchNorm(), .relu, pool])
        let norm = network.layers[0]
        norm.needsInputGradient = true
        TestTensors.randomize(TestTensors.parameter(norm, "gamma").value, seed: 51, low: -0.5, high: 1.5)
        TestTensors.randomize(TestTensors.parameter(norm, "beta").value, seed: 52, low: -0.5, high: 0.5)
        return network
    }

    /// The three layers one by one (the reference), on a network of the same weights.
    static func separately(_ network: Network, _ x: Tensor, _ dy: Tensor, training: Bool) -> (y: [Float], dx: [Float]) {
        let y = (0..<3).reduce(x) { t, i in network.layers[i].forward(t, training: training) }.array
        let dx = (0..<3).reversed().reduce(dy) { g, i in network.layers[i].backward(g) }.array
        return (y, dx)
    }

    @Test(arguments: KernelLevel.allCases, shapes)
    func foldedStageMatchesTheLayersOneByOne(level: KernelLevel, shape: [Int]) throws {
        let folded = try Self.network(shape), separate = try Self.network(shape)
        #expect(folded.stages(through: 3) == [0..<3])
        let x = TestTensors.random([3] + shape, seed: 53, low: -1, high: 3)
        let dy = TestTensors.random([3] + folded.outputShape, seed: 54)
        let (y, dx, expected) = try KernelLevels.run(at: level) { () -> ([Float], [Float], (y: [Float], dx: [Float])) in
            (folded.forward(0..<3, x, training: true).array, folded.backward(0..<3, dy).array,
             Self.separately(separate, x, dy, training: true))
        }
        // Forward computes each value by the same expression at the same level: the same bits.
        #expect(y == expected.y)
        // Backward sums dβ and dγ over windows rather than over every input: the same terms in another order.
        let c = shape[2], rows = Double(x.count / c)
        for (a, b) in zip(folded.layers[0].parameters, separate.layers[0].parameters) {
            for j in 0..<c {
                #expect(a.value[j] == b.value[j], "\(a.name)[\(j)]")
                guard a.isTrainable else { continue }
                #expect(abs(Double(a.gradient[j] - b.gradient[j])) <= 1e-5 * max(rows, abs(Double(b.gradient[j]))),
                        "∂\(a.name)[\(j)]")
            }
        }
        let gamma = TestTensors.parameter(separate.layers[0], "gamma").value
        for i in dx.indices {
            let j = i % c
            #expect(abs(dx[i] - expected.dx[i]) <= 1e-5 * max(1, abs(gamma[j]) * 10), "dx[\(i)]")
        }
    }

    /// Equal values in a window: the gradient goes to the first of them in window order, as the pool's does;
    /// a window whose maximum the ReLU cuts to 0 passes no gradient.
    @Test(arguments: KernelLevel.allCases)
    func tiesGoToTheFirstMaximum(level: KernelLevel) throws {
        let shape = [4, 4, 3]
        let folded = try Self.network(shape), separate = try Self.network(shape)
        // Few distinct values: most windows hold a repeated maximum; some are all below the mean.
        let x = Tensor(shape: [2] + shape, values: (0..<(2 * 48)).map { Float(($0 * 7 / 3) % 4) })
        let dy = TestTensors.random([2] + folded.outputShape, seed: 55, low: 0.5, high: 1.5)
        let (dx, expected) = try KernelLevels.run(at: level) { () -> ([Float], [Float]) in
            _ = folded.forward(0..<3, x, training: true)
            return (folded.backward(0..<3, dy).array, Self.separately(separate, x, dy, training: true).dx)
        }
        for i in dx.indices { #expect(abs(dx[i] - expected[i]) <= 1e-5 * max(1, abs(expected[i])), "dx[\(i)]") }
    }

    @Test(arguments: [true, false])
    func foldedStageMatchesFiniteDifferences(training: Bool) throws {
        let network = try Self.network([4, 4, 2])
        let norm = network.layers[0]
        TestTensors.randomize(TestTensors.parameter(norm, "moving_mean").value, seed: 56)
        TestTensors.randomize(TestTensors.parameter(norm, "moving_variance").value, seed: 57, low: 0.3, high: 2)
        let input = TestTensors.random([3, 4, 4, 2], seed: 58, low: -1, high: 2)
        GradientCheck(tolerance: 2e-3, training: training).check(StageLayer(network, 0..<3), input: input)
    }

    /// Inference runs the layers (the BatchNorm with its ReLU, then the pool), and a backward after it gives
    /// what they give; an empty batch gives nothing and zero parameter gradients.
    @Test(arguments: [0, 2])
    func inferenceAndEmptyBatches(batch: Int) throws {
        let shape = [6, 8, 5]
        let folded = try Self.network(shape), separate = try Self.network(shape)
        let x = TestTensors.random([batch] + shape, seed: 59)
        let dy = TestTensors.random([batch] + folded.outputShape, seed: 60)
        let y = folded.forward(x, training: false).array
        let dx = folded.backward(0..<3, dy).array
        let expected = Self.separately(separate, x, dy, training: false)
        #expect(y == expected.y && dx == expected.dx)
        if batch == 0 {
            _ = folded.forward(x, training: true)
            #expect(folded.backward(0..<3, dy).count == 0)
            for p in folded.layers[0].parameters where p.isTrainable { #expect(p.gradient.array.allSatisfy { $0 == 0 }) }
        }
    }

    /// Only 2x2 max pools of stride 2 over even sizes fold; others stay a BatchNorm+ReLU stage and a pool.
    @Test func onlyTwoByTwoPoolsOverEvenSizesFold() throws {
        #expect(try Self.network([5, 4, 3]).stages(through: 3) == [0..<2, 2..<3])
        #expect(try Self.network([6, 6, 3], pool: .maxPool(size: 3, strides: 3)).stages(through: 3) == [0..<2, 2..<3])
        #expect(try Self.network([6, 6, 3], pool: .averagePool(size: 2, strides: 2)).stages(through: 3) == [0..<2, 2..<3])
        #expect(try Self.network([6, 6, 3]).stages(through: 2) == [0..<2])
    }

    /// The sums go in fixed blocks: the thread count does not change a single bit. In a child process, so that
    /// changing `Compute.threads` cannot disturb the tests running beside it.
    @Test func resultsDoNotDependOnTheThreadCount() async {
        await #expect(processExitsWith: .success) {
            let shape = [24, 24, 16]
            let x = TestTensors.random([16] + shape, seed: 61, low: -2, high: 3)
            let dy = TestTensors.random([16, 12, 12, 16], seed: 62)
            func run(threads: Int) throws -> [[Float]] {
                Compute.threads = threads
                let network = try BatchNormReLUMaxPoolTests.network(shape)
                let y = network.forward(x, training: true).array
                let dx = network.backward(0..<3, dy).array
                return [y, dx] + network.layers[0].parameters.flatMap { [$0.value.array, $0.gradient.array] }
            }
            exit(try run(threads: 1) == run(threads: 3) ? 0 : 1)
        }
    }
}
