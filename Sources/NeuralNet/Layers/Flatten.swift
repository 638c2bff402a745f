/// [n, h, w, c] → [n, h·w·c] in NHWC order, the order Keras's Flatten uses (so Dense weights carry over).
public final class Flatten: Layer {
    public var needsInputGradient = true
    let shape: [Int]
    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])

    init(inputShape: [Int]) { shape = inputShape }

    public var spec: LayerSpec { .flatten }
    public var outputShape: [Int] { [shape.reduce(1, *)] }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        output.reshape([input.batchSize, input.sampleCount])
        output.data.update(from: input.data, count: input.count)
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        inputGradient.reshape([outputGradient.batchSize] + shape)
        inputGradient.data.update(from: outputGradient.data, count: outputGradient.count)
        return inputGradient
    }
}
