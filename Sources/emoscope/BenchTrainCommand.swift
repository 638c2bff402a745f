import ArgumentParser
import Expression
import Foundation
import NeuralNet

struct BenchTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Images/s of full training steps on real faces with augmentation running in the background.")

    @Option(help: "Dataset folder (default: the one opened last, else $EMOSCOPE_FER2013).") var data: String?
    @Option(help: "Architecture: \(EmotionArchitecture.allValueStrings.joined(separator: ", ")).")
    var arch = EmotionArchitecture.tutorial
    @Option(help: "Batch size.") var batch = 64
    @Option(help: "Timed steps (after 2 warm-up steps).") var steps = 20
    @OptionGroup var compute: ComputeOptions
    @Option(help: "Kernel instruction set: auto, avx512, avx2, portable.") var isa = KernelISA.auto
    @Option(help: "Also keep a moving average of the weights with this decay, as train --average-decay (0: none).")
    var averageDecay: Float = 0
    @Flag(help: "Also show where a step's time goes: each layer's forward and backward, loss, optimiser, waiting for data.")
    var layers = false

    func validate() throws {
        if averageDecay < 0 || averageDecay >= 1 { throw ValidationError("--average-decay must be in [0, 1)") }
        if batch < 1 || steps < 1 { throw ValidationError("--batch and --steps must be at least 1") }
    }

    func run() throws {
        compute.apply()
        let peaks = KernelPeaks.measure(level: try isa.apply(), threads: compute.threads)
        let root = try DatasetLocator.requireRoot(data, for: "bench train")
        let dataset = try Dataset.open(root)
        guard let split = dataset.trainingSplitName else { throw ValidationError("\(root.path) has no train split") }
        let faces = try dataset.load(split: split).faces
        let network = try Sequential(arch.architecture, seed: 1)
        let optimizer = Adam(learningRate: 5e-4)
        let loss = CrossEntropyLoss()
        let gradient = Tensor(shape: [0])
        let stream = BatchStream(faces: faces, epoch: 0, seed: 1, batchSize: batch, augmentation: Augmentation(),
                                 normalization: .unitRange)
        defer { stream.cancel() }
        let average = averageDecay > 0
            ? WeightAverage(tracking: network.namedParameters.map(\.parameter.value), decay: averageDecay) : nil
        let profile = layers ? TrainingStepProfile(network: network) : nil
        var times: [Double] = []
        for index in 0..<(steps + 2) {
            var images = 0
            let seconds = Stopwatch.seconds {
                if let profile {
                    images = profile.step(stream, lossFunction: loss, gradient: gradient, adam: optimizer,
                                          weightAverage: average, recording: index >= 2)
                    return
                }
                guard let next = stream.next() else { return }
                images = next.labels.count
                let logits = network.logits(next.inputs, training: true)
                loss(logits: logits, labels: next.labels, gradient: gradient)
                network.backwardFromLogits(gradient)
                optimizer.update(network.trainableParameters)
                average?.update()
            }
            if index >= 2 && images == batch { times.append(seconds) }
        }
        guard !times.isEmpty else { throw ValidationError("not enough faces for \(steps) batches of \(batch)") }
        times.sort()
        let median = Stopwatch.median(times)
        print("\(arch.rawValue), batch \(batch), real faces from \(root.path) with flip/shift/rotation/zoom/erasing:")
        print(peaks.summary)
        print(String(format: "training step: median %.0f ms, min %.0f ms over %d steps = %.1f images/s (best %.1f)",
                     median * 1e3, times[0] * 1e3, times.count, Double(batch) / median, Double(batch) / times[0]))
        // Forward and backward: about three times the forward's operations (the network's effective count).
        let gflops = 3 * Double(batch * network.flopsPerSample) / 1e9 / median
        print(String(format: "= %.1f GFLOP/s", gflops) + peaks.fraction(gflops))
        if let profile { print(profile.report) }
        print(String(format: "one epoch of %d faces: %@", faces.count,
                     ProgressLine.duration(Double(faces.count) / (Double(batch) / median))))
    }
}
