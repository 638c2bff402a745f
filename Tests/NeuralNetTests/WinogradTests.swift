import Foundation
import NeuralKernels
import Testing
@testable import NeuralNet

@Suite("Winograd convolution")
struct WinogradTests {
    /// Direct 1-D correlation against Aᵀ[(G g) ⊙ (Bᵀ d)], in Double.
    @Test(arguments: [(2, 3), (4, 3), (2, 5), (3, 2)])
    func transformComputesTheCorrelation(m: Int, r: Int) {
        let t = WinogradTransform(m: m, r: r)
        var generator = SeededGenerator(seed: UInt64(m * 10 + r))
        let d = (0..<t.n).map { _ in Double(generator.uniform(-1, 1)) }
        let g = (0..<r).map { _ in Double(generator.uniform(-1, 1)) }
        let gg = (0..<t.n).map { i in (0..<r).reduce(0.0) { $0 + Double(t.g[i * r + $1]) * g[$1] } }
        let bd = (0..<t.n).map { i in (0..<t.n).reduce(0.0) { $0 + Double(t.bt[i * t.n + $1]) * d[$1] } }
        for i in 0..<m {
            let fast = (0..<t.n).reduce(0.0) { $0 + Double(t.at[i * t.n + $1]) * gg[$1] * bd[$1] }
            let direct = (0..<r).reduce(0.0) { $0 + d[i + $1] * g[$1] }
            #expect(abs(fast - direct) < 1e-5, "F(\(m), \(r)) output \(i): \(fast) vs \(direct)")
        }
    }

    /// ‖a − b‖ / ‖b‖
    static func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        let difference = zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
        let norm = b.reduce(0.0) { $0 + Double($1) * Double($1) }
        return (difference / max(norm, 1e-30)).squareRoot()
    }

    /// A Winograd layer and an im2col layer with the same weights and random biases.
    static func pair(_ shape: [Int], outChannels: Int, kernel: Int, seed: UInt64,
                     generator: inout SeededGenerator) -> (fast: Conv2D, reference: Conv2D) {
        var g1 = SeededGenerator(seed: seed), g2 = SeededGenerator(seed: seed)
        let fast = Conv2D(inputShape: shape, filters: outChannels, kernel: (kernel, kernel), strides: 1, padding: .same,
                          useBias: true, generator: &g1, allowWinograd: true)
        let reference = Conv2D(inputShape: shape, filters: outChannels, kernel: (kernel, kernel), strides: 1,
                               padding: .same, useBias: true, generator: &g2, allowWinograd: false)
        #expect(fast.usesWinograd && !reference.usesWinograd)
        for i in 0..<outChannels {
            let b = generator.uniform(-1, 1)
            fast.bias!.value[i] = b
            reference.bias!.value[i] = b
        }
        return (fast, reference)
    }

    /// Winograd and im2col layers with the same weights agree on the output and all gradients.
    /// The kernel gradient both ways: by blocks of tiles (48x48: four partitions of two blocks each) and from
    /// the tiles kept layer-wide.
    @Test(arguments: [(12, 12, 8, 16, 3), (7, 5, 8, 8, 3), (6, 6, 8, 12, 5), (9, 7, 16, 8, 5), (24, 24, 16, 8, 3),
                      (48, 48, 8, 8, 3)], [true, false])
    func agreesWithIm2col(shape s: (height: Int, width: Int, inChannels: Int, outChannels: Int, kernel: Int),
                          byBlocks: Bool) {
        let (height, width, outChannels) = (s.height, s.width, s.outChannels)
        let shape = [height, width, s.inChannels]
        var generator = SeededGenerator(seed: 8)
        let (fast, reference) = Self.pair(shape, outChannels: outChannels, kernel: s.kernel, seed: 5, generator: &generator)
        fast.winograd!.kernelGradientGoesByBlocks = byBlocks
        let x = Tensor(shape: [3] + shape)
        for i in 0..<x.count { x[i] = generator.uniform(-1, 1) }
        let dy = Tensor(shape: [3, height, width, outChannels])
        for i in 0..<dy.count { dy[i] = generator.uniform(-1, 1) }
        let yFast = fast.forward(x, training: true).array, yReference = reference.forward(x, training: true).array
        #expect(Self.relativeError(yFast, yReference) < 4e-6)
        let dxFast = fast.backward(dy).array, dxReference = reference.backward(dy).array
        #expect(Self.relativeError(dxFast, dxReference) < 4e-6)
        // Each kernel-gradient entry is a float32 sum over the batch's pixels (6912 at 48x48), summed in another
        // order on each side: rounding alone reaches √6912 · 2⁻²⁴ ≈ 5e-6.
        #expect(Self.relativeError(fast.kernel.gradient.array, reference.kernel.gradient.array) < 8e-6)
        #expect(Self.relativeError(fast.bias!.gradient.array, reference.bias!.gradient.array) < 1e-6)
    }

    /// By blocks, batches of few tiles (one 4x4 tile per image) still fill every partition they use, and an
    /// empty batch gives a zero kernel gradient.
    @Test(arguments: [0, 1, 5, 6])
    func kernelGradientByBlocksWithFewTiles(batch: Int) {
        let shape = [4, 4, 8]
        var generator = SeededGenerator(seed: 13)
        let (fast, reference) = Self.pair(shape, outChannels: 8, kernel: 3, seed: 14, generator: &generator)
        #expect(fast.winograd!.kernelGradientGoesByBlocks && fast.winograd!.m == 4)
        // A larger batch first leaves sums in every partition: none may be added again unwritten.
        _ = fast.forward(TestTensors.random([16] + shape, seed: 17), training: true)
        _ = fast.backward(TestTensors.random([16, 4, 4, 8], seed: 18))
        let x = TestTensors.random([batch] + shape, seed: 15), dy = TestTensors.random([batch, 4, 4, 8], seed: 16)
        _ = fast.forward(x, training: true)
        _ = reference.forward(x, training: true)
        fast.kernel.gradient.fill(.nan)
        let dx = fast.backward(dy).array
        #expect(Self.relativeError(dx, reference.backward(dy).array) < 4e-6)
        let dk = fast.kernel.gradient.array
        if batch == 0 { #expect(dk.allSatisfy { $0 == 0 }) }
        else { #expect(Self.relativeError(dk, reference.kernel.gradient.array) < 4e-6) }
    }

    /// Each form of the tile transforms and products (AVX-512, AVX2, portable; each where the CPU has it)
    /// agrees with im2col, on the output and both gradients, with channel counts on and off the 16 lanes.
    /// Few enough tiles make one block, which runs on this thread.
    /// F(4, 5) (11x9) rounds a little more than the others, by its 8-point transforms: 2.5e-6 seen.
    @Test(arguments: KernelLevel.allCases, [(8, 8, 8, 16, 3), (6, 5, 16, 8, 5), (7, 9, 24, 40, 3), (5, 5, 40, 12, 5),
                                            (4, 4, 9, 33, 3), (11, 9, 24, 20, 5)])
    func eachKernelLevelAgreesWithIm2col(level: KernelLevel,
                                         shape s: (height: Int, width: Int, inChannels: Int, outChannels: Int, kernel: Int)) throws {
        let shape = [s.height, s.width, s.inChannels]
        var generator = SeededGenerator(seed: 10)
        for byBlocks in [true, false] {
            let (fast, reference) = Self.pair(shape, outChannels: s.outChannels, kernel: s.kernel, seed: 7,
                                              generator: &generator)
            fast.winograd!.kernelGradientGoesByBlocks = byBlocks
            try expectAgreement(fast, reference, level: level, shape: s, byBlocks: byBlocks)
        }
    }

    private func expectAgreement(_ fast: Conv2D, _ reference: Conv2D, level: KernelLevel,
                                 shape s: (height: Int, width: Int, inChannels: Int, outChannels: Int, kernel: Int),
                                 byBlocks: Bool) throws {
        let shape = [s.height, s.width, s.inChannels]
        let x = TestTensors.random([1] + shape, seed: 11), dy = TestTensors.random([1, s.height, s.width, s.outChannels], seed: 12)
        let (y, dx) = try KernelLevels.run(at: level) {
            let y = fast.forward(x, training: true).array
            return (y, fast.backward(dy).array)
        }
        #expect(fast.lastPath == .winograd)
        #expect(Self.relativeError(y, reference.forward(x, training: true).array) < 4e-6)
        #expect(Self.relativeError(dx, reference.backward(dy).array) < 4e-6)
        #expect(Self.relativeError(fast.kernel.gradient.array, reference.kernel.gradient.array) < 4e-6,
                "kernel gradient by blocks: \(byBlocks)")
    }

    /// By blocks, the kernel gradient is summed in partitions fixed by the layer: the thread count does not
    /// change a single bit. In a child process, so that changing `Compute.threads` cannot disturb other tests.
    @Test func kernelGradientByBlocksDoesNotDependOnTheThreadCount() async {
        await #expect(processExitsWith: .success) {
            let x = TestTensors.random([3, 48, 48, 8], seed: 50), dy = TestTensors.random([3, 48, 48, 8], seed: 51)
            func run(threads: Int) -> [Float] {
                Compute.threads = threads
                var generator = SeededGenerator(seed: 52)
                let layer = Conv2D(inputShape: [48, 48, 8], filters: 8, kernel: (3, 3), strides: 1, padding: .same,
                                   useBias: false, generator: &generator)
                precondition(layer.winograd!.kernelGradientGoesByBlocks)
                _ = layer.forward(x, training: true)
                _ = layer.backward(dy)
                return layer.kernel.gradient.array
            }
            exit(run(threads: 1) == run(threads: 3) ? 0 : 1)
        }
    }

    /// Prepared for inference, a layer runs by Winograd block by block without keeping its transformed input:
    /// by its own tiles from 16 of them, else by 2x2 tiles if that makes 16, else tap by tap or
    /// by im2col. Each agrees with im2col, for one image and for batches of several blocks per worker.
    @Test(arguments: [(1, 12, 12, 16, 64, 3, Conv2D.Path.smallBatchWinograd), (1, 24, 24, 16, 32, 5, .winograd),
                      (2, 12, 12, 32, 16, 3, .winograd), (40, 12, 12, 8, 24, 3, .winograd), (7, 6, 6, 48, 16, 5, .winograd),
                      (1, 8, 8, 16, 24, 3, .smallBatchWinograd), (1, 12, 12, 16, 24, 5, .smallBatchWinograd),
                      (1, 4, 4, 16, 24, 3, .taps), (1, 4, 4, 8, 24, 3, .im2col)])
    func preparedInferenceAgreesWithIm2col(batch: Int, height: Int, width: Int, inChannels: Int, outChannels: Int,
                                           kernel: Int, path: Conv2D.Path) {
        let shape = [height, width, inChannels]
        var generator = SeededGenerator(seed: 9)
        let (fast, reference) = Self.pair(shape, outChannels: outChannels, kernel: kernel, seed: 6, generator: &generator)
        let x = Tensor(shape: [batch] + shape)
        for i in 0..<x.count { x[i] = generator.uniform(-1, 1) }
        fast.prepareForInference()
        let expected = reference(x).array
        for call in 0..<2 {  // the second call reuses the kernel transform
            #expect(Self.relativeError(fast(x).array, expected) < 2e-6, "call \(call)")
            #expect(fast.lastPath == path)
        }
    }

    /// A network prepared for inference keeps its kernel in the form its path needs (transformed, packed),
    /// and a training step ends that, on every inference path.
    @Test(arguments: [(8, 16, 3, Conv2D.Path.winograd), (1, 12, 3, .smallBatchWinograd), (1, 6, 5, .taps)])
    func preparedInferenceIsNeverStale(batch: Int, size: Int, kernel: Int, path: Conv2D.Path) throws {
        let layers: [LayerSpec] = [.conv(16, kernel), .relu, .flatten, .dense(3)], shape = [size, size, 16]
        let network = try Sequential(inputShape: shape, layers: layers, seed: 2)
        var generator = SeededGenerator(seed: 4)
        let x = Tensor(shape: [batch] + shape)
        for i in 0..<x.count { x[i] = generator.uniform(-1, 1) }
        let before = network(x).array
        network.prepareForInference()
        for _ in 0..<2 { #expect(WinogradTests.relativeError(network(x).array, before) < 2e-6) }
        #expect((network.layers[0] as! Conv2D).lastPath == path)
        // One SGD step changes the weights; inference must see them.
        let loss = CrossEntropyLoss(), gradient = Tensor(shape: [0])
        loss(logits: network.logits(x, training: true), labels: (0..<batch).map { $0 % 3 }, gradient: gradient)
        network.backwardFromLogits(gradient)
        SGD(learningRate: 0.5).update(network.trainableParameters)
        let fresh = try Sequential(inputShape: shape, layers: layers, seed: 2)
        for ((_, a), (_, b)) in zip(fresh.namedParameters, network.namedParameters) { a.value.copy(from: b.value) }
        let expected = fresh(x).array
        #expect(WinogradTests.relativeError(expected, before) > 1e-3)
        // Right after training, and prepared for inference again.
        #expect(WinogradTests.relativeError(network(x).array, expected) < 2e-6)
        network.prepareForInference()
        #expect(WinogradTests.relativeError(network(x).array, expected) < 2e-6)
        #expect((network.layers[0] as! Conv2D).lastPath == path)
    }

    @Test func appliesOnlyWhereItPays() {
        #expect(WinogradConvolution.tileSize(kernel: 3, height: 48, width: 48, inChannels: 1, outChannels: 64) == nil)
        #expect(WinogradConvolution.tileSize(kernel: 3, height: 12, width: 12, inChannels: 64, outChannels: 64) == 4)
        #expect(WinogradConvolution.tileSize(kernel: 3, height: 6, width: 6, inChannels: 256, outChannels: 256) == 2)
        #expect(WinogradConvolution.tileSize(kernel: 5, height: 24, width: 24, inChannels: 64, outChannels: 128) == 4)
        #expect(WinogradConvolution.tileSize(kernel: 5, height: 6, width: 6, inChannels: 512, outChannels: 128) == 2)
        #expect(WinogradConvolution.tileSize(kernel: 7, height: 24, width: 24, inChannels: 64, outChannels: 128) == nil)
    }
}
