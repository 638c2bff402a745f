import CBLAS

/// Fully connected: y = x·W + b, with W stored [inputs, units] as Keras stores it.
public final class Dense: Layer {
    public let kernel: Parameter
    public let bias: Parameter?
    public var needsInputGradient = true
    let inputCount, units: Int
    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    private let ones = Tensor(shape: [0])
    private var lastInput: Tensor?

    init(inputCount: Int, units: Int, useBias: Bool, generator: inout SeededGenerator) {
        self.inputCount = inputCount
        self.units = units
        kernel = Parameter(name: "kernel", value: Initializer.glorotUniform(
            shape: [inputCount, units], fanIn: inputCount, fanOut: units, generator: &generator), decays: true)
        bias = useBias ? Parameter(name: "bias", value: Tensor(shape: [units])) : nil
    }

    public var spec: LayerSpec { .dense(units: units, useBias: bias != nil) }
    public var outputShape: [Int] { [units] }
    public var parameters: [Parameter] { [kernel] + (bias.map { [$0] } ?? []) }
    public var multiplyAccumulates: Int { inputCount * units }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let batch = input.batchSize
        precondition(input.sampleCount == inputCount, "Dense expects \(inputCount) inputs, got \(input.shape)")
        lastInput = input
        output.reshape([batch, units])
        if let bias { for n in 0..<batch { (output.data + n * units).update(from: bias.value.data, count: units) } }
        Compute.gemm(m: batch, n: units, k: inputCount, a: input.data, lda: inputCount, b: kernel.value.data,
                     ldb: units, beta: bias == nil ? 0 : 1, c: output.data, ldc: units)
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let input = lastInput else { preconditionFailure("Dense.backward before forward") }
        let batch = input.batchSize
        Compute.gemm(transposeA: true, m: inputCount, n: units, k: batch, a: input.data, lda: inputCount,
                     b: outputGradient.data, ldb: units, c: kernel.gradient.data, ldc: units)
        if let bias {
            if ones.count < batch { ones.reshape([batch]); ones.fill(1) }
            cblas_sgemv(CblasRowMajor, CblasTrans, blasint(batch), blasint(units), 1, outputGradient.data,
                        blasint(units), ones.data, 1, 0, bias.gradient.data, 1)
        }
        inputGradient.reshape(input.shape)
        guard needsInputGradient else { return inputGradient }
        Compute.gemm(transposeB: true, m: batch, n: inputCount, k: units, a: outputGradient.data, lda: units,
                     b: kernel.value.data, ldb: units, c: inputGradient.data, ldc: inputCount)
        return inputGradient
    }
}
