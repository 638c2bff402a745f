/// The element-wise sum of inputs of one shape (the join of a residual connection).
public final class Add: MergeLayer {
    public var needsInputGradient = true
    let shape: [Int]
    let inputCount: Int
    private let output = Tensor(shape: [0])

    init(inputShape: [Int], inputCount: Int) {
        shape = inputShape
        self.inputCount = inputCount
    }

    public var spec: LayerSpec { .add }
    public var outputShape: [Int] { shape }
    public var multiplyAccumulates: Int { shape.reduce(1, *) * max(inputCount - 1, 0) }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        output.copy(from: inputs[0])
        let y = output.data, count = output.count
        for other in inputs.dropFirst() {
            precondition(other.shape == output.shape, "Add: inputs of shapes \(output.shape) and \(other.shape)")
            let x = UnsafePointer(other.data)
            Compute.parallelChunks(count, minimumPerChunk: 1 << 16) { range in
                for i in range { y[i] += x[i] }
            }
        }
        return output
    }

    /// The sum passes its gradient unchanged to every input.
    public func backwardToInputs(_ outputGradient: Tensor) -> [Tensor] {
        Array(repeating: outputGradient, count: inputCount)
    }
}
