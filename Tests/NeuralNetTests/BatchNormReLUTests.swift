import Foundation
import Testing
@testable import NeuralNet

/// A network folds a BatchNorm and the ReLU after it into one stage (`Network.stages`), run by the kernels in
/// NeuralKernels/normalize.c at every level the CPU has. Checked against Double loops, finite differences and
/// the two layers run one by one.
@Suite struct BatchNormReLUTests {
    /// Channel counts around the vector widths (1-wide, not a multiple of 8 or 16, more than 32) and row
    /// counts across the 1024-row blocks the sums are split into.
    static let shapes: [[Int]] = [[1, 1, 1], [3, 5, 1], [2, 3, 17], [4, 4, 33], [40, 30, 3], [5, 5, 64]]

    /// The network of the two layers, with γ and β away from their defaults.
    static func pair(_ shape: [Int]) throws -> Network {
        let network = try Network(inputShape: shape, layers: [.batchNorm(), .relu])
        let norm = network.layers[0]
        // A network's first layer skips its input gradient; here that gradient is what is checked.
        norm.needsInputGradient = true
        TestTensors.randomize(TestTensors.parameter(norm, "gamma").value, seed: 31, low: 0.5, high: 1.5)
        TestTensors.randomize(TestTensors.parameter(norm, "beta").value, seed: 32, low: -0.5, high: 0.5)
        return network
    }

    @Test(arguments: KernelLevel.allCases, shapes)
    func foldedStageMatchesDoubleLoops(level: KernelLevel, shape: [Int]) throws {
        let network = try Self.pair(shape)
        #expect(network.stages(through: 2) == [0..<2])
        let batch = shape == [1, 1, 1] ? 2 : 3
        let x = TestTensors.random([batch] + shape, seed: 33, low: 2, high: 6)  // mean far from 0
        let dy = TestTensors.random(x.shape, seed: 34)
        let (y, dx) = try KernelLevels.run(at: level) { () -> ([Float], [Float]) in
            (network.forward(0..<2, x, training: true).array, network.backward(0..<2, dy).array)
        }
        let norm = network.layers[0]
        let gamma = TestTensors.parameter(norm, "gamma"), beta = TestTensors.parameter(norm, "beta")
        let c = shape[2], rows = x.count / c
        for j in 0..<c {
            let indices = Array(stride(from: j, to: x.count, by: c))
            let mean = indices.reduce(0) { $0 + Double(x[$1]) } / Double(rows)
            let variance = indices.reduce(0) { $0 + (Double(x[$1]) - mean) * (Double(x[$1]) - mean) } / Double(rows)
            let inverse = 1 / (variance + 1e-3).squareRoot()
            let xHat = indices.map { (Double(x[$0]) - mean) * inverse }
            let before = xHat.map { Double(gamma.value[j]) * $0 + Double(beta.value[j]) }
            // The mask is the kernel's own output (a Double y that rounds across 0 would differ from it).
            let g = indices.map { y[$0] > 0 ? Double(dy[$0]) : 0 }
            let dBeta = g.reduce(0, +), dGamma = zip(g, xHat).map(*).reduce(0, +)
            #expect(close(Double(beta.gradient[j]), dBeta, scale: Double(rows)), "dβ[\(j)]")
            #expect(close(Double(gamma.gradient[j]), dGamma, scale: Double(rows)), "dγ[\(j)]")
            for (n, i) in indices.enumerated() {
                #expect(close(Double(y[i]), max(before[n], 0)), "y[\(i)]")
                let expected = Double(gamma.value[j]) * inverse
                    * (g[n] - dBeta / Double(rows) - xHat[n] * dGamma / Double(rows))
                #expect(close(Double(dx[i]), expected, scale: Double(gamma.value[j]) * inverse), "dx[\(i)]")
            }
        }
    }

    /// |a − b| within 1e-5 of the quantities' size (Float round-off over sums of `scale` terms).
    func close(_ a: Double, _ b: Double, scale: Double = 1) -> Bool { abs(a - b) <= 1e-5 * max(1, abs(b), scale) }

    @Test(arguments: [true, false])
    func foldedStageMatchesFiniteDifferences(training: Bool) throws {
        let network = try Self.pair([3, 3, 2])
        let norm = network.layers[0]
        TestTensors.randomize(TestTensors.parameter(norm, "moving_mean").value, seed: 35)
        TestTensors.randomize(TestTensors.parameter(norm, "moving_variance").value, seed: 36, low: 0.3, high: 2)
        let input = TestTensors.random([4, 3, 3, 2], seed: 37, low: -1, high: 2)
        GradientCheck(tolerance: 2e-3, training: training).check(StageLayer(network, 0..<2), input: input)
    }

    /// Folded, the network gives exactly what the two layers give one after the other, in training and at
    /// inference, forward and backward; on an empty batch it gives nothing, and zero parameter gradients.
    @Test(arguments: [0, 1, 5])
    func foldingChangesNoValue(batch: Int) throws {
        let shape = [6, 5, 7]
        let folded = try Self.pair(shape), separate = try Self.pair(shape)
        let x = TestTensors.random([batch] + shape, seed: 38)
        let dy = TestTensors.random(x.shape, seed: 39)
        for training in [true, false] {
            #expect(folded.stages(through: 2) == [0..<2])
            let y = folded.forward(x, training: training).array
            let dx = folded.backward(0..<2, dy).array
            let expected = separate.layers[1].forward(separate.layers[0].forward(x, training: training), training: training)
            #expect(y == expected.array, "forward, training \(training)")
            let expectedDx = separate.layers[0].backward(separate.layers[1].backward(dy)).array
            #expect(dx == expectedDx, "input gradient, training \(training)")
            for (a, b) in zip(folded.layers[0].parameters, separate.layers[0].parameters) {
                #expect(a.value.array == b.value.array && a.gradient.array == b.gradient.array, "\(a.name), training \(training)")
                if batch == 0 && a.isTrainable { #expect(a.gradient.array.allSatisfy { $0 == 0 }) }
            }
        }
    }

    /// The batch statistics are summed in fixed blocks: the thread count does not change a single bit. In a
    /// child process, so that changing `Compute.threads` cannot disturb the tests running beside it.
    @Test func statisticsDoNotDependOnTheThreadCount() async {
        await #expect(processExitsWith: .success) {
            let shape = [24, 24, 16]  // 9,216 rows of 16 channels per 16 images: several blocks
            let x = TestTensors.random([16] + shape, seed: 40, low: -2, high: 3)
            let dy = TestTensors.random(x.shape, seed: 41)
            func run(threads: Int) throws -> [[Float]] {
                Compute.threads = threads
                let network = try BatchNormReLUTests.pair(shape)
                let y = network.forward(x, training: true).array
                let dx = network.backward(0..<2, dy).array
                return [y, dx] + network.layers[0].parameters.flatMap { [$0.value.array, $0.gradient.array] }
            }
            exit(try run(threads: 1) == run(threads: 3) ? 0 : 1)
        }
    }
}
