import ArgumentParser
import Expression
import Foundation
import NeuralNet

struct BenchInferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inference",
        abstract: "Forward-pass latency and throughput, and a training step, against cblas_sgemm in the same run.")

    @Option(help: "Architecture: \(EmotionArchitecture.allValueStrings.joined(separator: ", ")).")
    var arch = EmotionArchitecture.tutorial
    @Option(help: "Time this model file's network instead of --arch (e.g. a Keras import such as fer's mini-Xception).")
    var model: String?
    @Option(help: "Batch-1 runs (after warm-up).") var runs = 200
    @Option(help: "Batch-64 runs.") var batchRuns = 10
    @OptionGroup var compute: ComputeOptions
    @Flag(help: "Also time each layer (batch 1 and 64, forward and backward).") var layers = false
    @Option(help: "Kernel instruction set: auto, avx512, avx2, portable.") var isa = KernelISA.auto

    func run() throws {
        compute.apply()
        let threads = compute.threads
        let peaks = KernelPeaks.measure(level: try isa.apply(), threads: threads)
        let network = try model.map { try ModelFile.load(URL(fileURLWithPath: $0)).network } ?? Network(arch.architecture, seed: 1)
        let name = model.map { URL(fileURLWithPath: $0).lastPathComponent } ?? arch.rawValue
        let gflop = Double(network.flopsPerSample) / 1e9
        print("\(name) (input \(network.inputShape)\(network.isChain ? "" : ", a graph")): \(network.parameterCount) parameters, \(String(format: "%.3f", gflop)) GFLOP per image; "
              + "\(threads) threads, \(System.coreCount) cores")
        // Winograd convolutions do fewer multiplications than the direct count, so these rates can pass sgemm's.
        print("(the network's GFLOP/s are effective: direct-convolution operations over the time taken)")
        let reference = GemmReference.measure(threads: threads)
        print(String(format: "cblas_sgemm 1024x1024x1024: %.1f GFLOP/s (median of %d)", reference, GemmReference.runs))
        print(peaks.summary)

        network.prepareForInference()
        let one = Self.randomInput(batch: 1, shape: network.inputShape)
        let single = Stopwatch.samples(runs: runs, warmup: 20) { _ = network(one) }
        let median1 = Stopwatch.median(single)
        // Which path ran: an ensemble's members side by side, one core each, or each layer on all cores.
        func path(_ batch: Int) -> String {
            let branches = network.branchesSideBySide(batch: batch)
            return branches > 0 ? ", \(branches) branches side by side" : ""
        }
        print(String(format: "batch 1:  median %.2f ms, min %.2f ms (%d runs)  = %.1f GFLOP/s", median1 * 1e3,
                     single[0] * 1e3, runs, gflop / median1) + peaks.fraction(gflop / median1) + path(1))

        let batch = Self.randomInput(batch: 64, shape: network.inputShape)
        let many = Stopwatch.samples(runs: batchRuns, warmup: 2) { _ = network(batch) }
        let median64 = Stopwatch.median(many)
        print(String(format: "batch 64: median %.1f ms = %.0f images/s = %.1f GFLOP/s (%d runs)", median64 * 1e3,
                     64 / median64, 64 * gflop / median64, batchRuns) + peaks.fraction(64 * gflop / median64) + path(64))

        let labels = (0..<64).map { $0 % network.outputShape[0] }
        let loss = CrossEntropyLoss()
        let gradient = Tensor(shape: [0])
        let adam = Adam(learningRate: 5e-4)
        let steps = Stopwatch.samples(runs: max(3, batchRuns / 2), warmup: 1) {
            let logits = network.logits(batch, training: true)
            loss(logits: logits, labels: labels, gradient: gradient)
            network.backwardFromLogits(gradient)
            adam.update(network.trainableParameters)
        }
        let step = Stopwatch.median(steps)
        print(String(format: "training step, batch 64 (forward, backward, Adam): median %.0f ms = %.1f images/s = %.1f GFLOP/s",
                     step * 1e3, 64 / step, 3 * 64 * gflop / step) + peaks.fraction(3 * 64 * gflop / step))
        if layers {
            Self.profileLayers(network, one, title: "batch 1")
            Self.profileLayers(network, batch, title: "batch 64")
        }
    }

    /// Median time of each layer's inference forward, training forward and backward on `input`.
    static func profileLayers(_ network: Network, _ input: Tensor, title: String) {
        // Small batches are quick and noisy: measure them more often.
        let runs = input.batchSize < 8 ? 100 : 5
        print("\(title): layer             inference   train fwd   backward   (ms, median of \(runs))")
        var inference = [[Double]](repeating: [], count: network.layers.count)
        var forward = inference, backward = inference
        // Inference as the app runs it: weights prepared once, then repeated calls.
        network.prepareForInference()
        _ = network(input)
        // Each layer is fed what it reads in the graph (a chain: the layer before).
        func pass(training: Bool, into times: inout [[Double]]) -> Tensor {
            var outputs: [Tensor] = []
            for (i, layer) in network.layers.enumerated() {
                let sources = network.inputs[i].map { $0 < 0 ? input : outputs[$0] }
                var y = input
                times[i].append(Stopwatch.seconds {
                    y = (layer as? any MergeLayer)?.forward(sources, training: training) ?? layer.forward(sources[0], training: training)
                })
                outputs.append(y)
            }
            return outputs.last!
        }
        for _ in 0...runs { _ = pass(training: false, into: &inference) }
        for _ in 0...runs {
            let x = pass(training: true, into: &forward)
            guard network.isChain else { continue }
            var g = Tensor(shape: x.shape, repeating: 0.01)
            for (i, layer) in network.layers.enumerated().reversed() {
                backward[i].append(Stopwatch.seconds { g = layer.backward(g) })
            }
        }
        for (i, layer) in network.layers.enumerated() {
            let name = "\(i) \(layer.spec.kind) \(layer.outputShape)"
            let cells = [inference[i], forward[i], backward[i]].map {
                $0.isEmpty ? "        -" : String(format: "%9.2f", Stopwatch.median(Array($0.dropFirst()).sorted()) * 1e3)
            }
            print(name.padding(toLength: 26, withPad: " ", startingAt: 0) + cells.joined(separator: "   "))
        }
    }

    static func randomInput(batch: Int, shape: [Int] = EmotionArchitecture.inputShape) -> Tensor {
        var generator = SeededGenerator(seed: 7)
        let tensor = Tensor(shape: [batch] + shape)
        for i in 0..<tensor.count { tensor[i] = generator.nextUnit() }
        return tensor
    }
}

/// The machine's matrix-multiply speed, measured in the same run as the network so the two compare.
enum GemmReference {
    static let runs = 10

    /// OpenBLAS's own threaded product, as anyone calling `cblas_sgemm` would get it.
    static func measure(size n: Int = 1024, threads: Int) -> Double {
        let a = Tensor(shape: [n, n], repeating: 0.5), b = Tensor(shape: [n, n], repeating: 0.25), c = Tensor(shape: [n, n])
        let samples = Stopwatch.samples(runs: runs, warmup: 2) {
            Compute.referenceGemm(size: n, threads: threads, a: a.data, b: b.data, c: c.data)
        }
        return 2 * Double(n * n * n) / Stopwatch.median(samples) / 1e9
    }
}
