/// Joins inputs along the last (channel) axis; all other dimensions must agree.
public final class Concatenate: MergeLayer {
    public var needsInputGradient = true
    /// Each input's size along the last axis.
    let widths: [Int]
    let leading: [Int]
    private let output = Tensor(shape: [0])
    private let inputGradients: [Tensor]

    init(inputShapes: [[Int]]) {
        leading = Array(inputShapes[0].dropLast())
        widths = inputShapes.map { $0.last! }
        inputGradients = inputShapes.map { _ in Tensor(shape: [0]) }
    }

    public var spec: LayerSpec { .concatenate }
    public var outputShape: [Int] { leading + [widths.reduce(0, +)] }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let batch = inputs[0].batchSize, total = widths.reduce(0, +)
        output.reshape([batch] + leading + [total])
        let rows = output.count / max(total, 1)
        var start = 0
        for (input, width) in zip(inputs, widths) {
            precondition(input.count == rows * width, "Concatenate: input \(input.shape) does not fit \(output.shape)")
            for r in 0..<rows { (output.data + r * total + start).update(from: input.data + r * width, count: width) }
            start += width
        }
        return output
    }

    public func backwardToInputs(_ outputGradient: Tensor) -> [Tensor] {
        let batch = outputGradient.batchSize, total = widths.reduce(0, +)
        let rows = outputGradient.count / max(total, 1)
        var start = 0
        for (gradient, width) in zip(inputGradients, widths) {
            gradient.reshape([batch] + leading + [width])
            for r in 0..<rows { (gradient.data + r * width).update(from: outputGradient.data + r * total + start, count: width) }
            start += width
        }
        return inputGradients
    }
}
