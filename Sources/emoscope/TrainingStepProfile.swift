import Expression
import Foundation
import NeuralNet

/// Where a training step's time goes: waiting for the batch, each layer's forward and backward, the loss,
/// the optimiser and the weight average, and whatever falls between them. `Network.logits` and
/// `backwardFromLogits` run the step as in training, stage by stage (a layer, or a BatchNorm and its ReLU in
/// one pass), with a clock read after each stage (`Network.stageFinished`); a graph's branches one after
/// another.
final class TrainingStepProfile {
    let network: Network
    private var data: [Double] = [], loss: [Double] = [], optimizer: [Double] = [], average: [Double] = []
    private var total: [Double] = []
    private var forward: [[Double]], backward: [[Double]]

    init(network: Network) {
        self.network = network
        network.runsBranchesSideBySide = false
        stages = network.stages(through: network.countBeforeSoftmax)
        forward = stages.map { _ in [] }
        backward = forward
    }

    /// What `Network.logits` runs, in order: layers, or folded pairs of layers.
    let stages: [Range<Int>]

    /// One full step, timed part by part; returns its images (0 when the stream has ended).
    func step(_ stream: BatchStream, lossFunction: CrossEntropyLoss, gradient: Tensor, adam: Adam,
              weightAverage: WeightAverage?, recording: Bool) -> Int {
        let start = DispatchTime.now().uptimeNanoseconds
        var mark = start
        func lap() -> Double {
            let now = DispatchTime.now().uptimeNanoseconds
            defer { mark = now }
            return Double(now - mark) / 1e9
        }
        guard let batch = stream.next() else { return 0 }
        var laps: [Double] = [lap()]
        network.stageFinished = { _, _ in laps.append(lap()) }
        defer { network.stageFinished = nil }
        let logits = network.logits(batch.inputs, training: true)
        lossFunction(logits: logits, labels: batch.labels, gradient: gradient)
        laps.append(lap())
        network.backwardFromLogits(gradient)
        adam.update(network.trainableParameters)
        laps.append(lap())
        weightAverage?.update()
        laps.append(lap())
        guard recording else { return batch.labels.count }
        total.append(Double(mark - start) / 1e9)
        let n = stages.count
        data.append(laps[0])
        for i in 0..<n { forward[i].append(laps[1 + i]) }
        loss.append(laps[1 + n])
        for i in 0..<n { backward[n - 1 - i].append(laps[2 + n + i]) }
        optimizer.append(laps[2 + 2 * n])
        if weightAverage != nil { average.append(laps[3 + 2 * n]) }
        return batch.labels.count
    }

    /// The table: mean milliseconds per step (other processes' interruptions included, so that the parts add
    /// up to the whole step) and each part's share of it.
    var report: String {
        func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
        let step = mean(total)
        func row(_ name: String, _ fwd: Double, _ bwd: Double?) -> String {
            let cells = [fwd, bwd].map { $0.map { String(format: "%9.2f", $0 * 1e3) } ?? "        -" }
            return name.padding(toLength: 30, withPad: " ", startingAt: 0) + cells.joined(separator: "  ")
                + String(format: "  %5.1f %%", (fwd + (bwd ?? 0)) / step * 100)
        }
        var lines = ["part                            forward  backward   share   (ms, mean of \(total.count) steps)"]
        lines.append(row("batch (waiting for it)", mean(data), nil))
        var kinds: [String: Double] = [:]
        for (i, stage) in stages.enumerated() {
            let (f, b) = (mean(forward[i]), mean(backward[i]))
            let kind = stage.map { network.layers[$0].spec.kind }.joined(separator: "+")
            kinds[kind, default: 0] += f + b
            let first = stage.count == 1 ? "\(stage.lowerBound)" : "\(stage.lowerBound)-\(stage.upperBound - 1)"
            lines.append(row("\(first) \(kind) \(network.layers[stage.upperBound - 1].outputShape)", f, b))
        }
        lines.append(row("loss", mean(loss), nil))
        lines.append(row("optimizer (Adam)", mean(optimizer), nil))
        if !average.isEmpty { lines.append(row("weight average", mean(average), nil)) }
        lines.append(String(format: "step: mean %.2f ms, median %.2f ms; by layer kind: ", step * 1e3,
                            Stopwatch.median(total.sorted()) * 1e3)
                     + kinds.sorted { $0.value > $1.value }
                         .map { String(format: "%@ %.1f %%", $0.key, $0.value / step * 100) }.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}
