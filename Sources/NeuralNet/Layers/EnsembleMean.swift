#if canImport(Glibc)
import Glibc
#endif

/// The join of an ensemble: the logarithm of the mean of its members' softmax probabilities, from their
/// logits. Its outputs are logits whose softmax is exactly the members' average probability, so an ensemble
/// network ends in this and a Softmax, and whatever reads a network's logits (flip averaging, the decision
/// bias, Grad-CAM, distillation) reads the ensemble as one network.
public final class EnsembleMean: MergeLayer {
    public var needsInputGradient = true
    let shape: [Int]
    let inputCount: Int
    private let output = Tensor(shape: [0])
    /// Each member's probabilities from the last forward, for backward.
    private var probabilities: [Tensor]
    private var inputGradients: [Tensor]

    init(inputShape: [Int], inputCount: Int) {
        shape = inputShape
        self.inputCount = inputCount
        probabilities = (0..<inputCount).map { _ in Tensor(shape: [0]) }
        inputGradients = (0..<inputCount).map { _ in Tensor(shape: [0]) }
    }

    public var spec: LayerSpec { .ensembleMean }
    public var outputShape: [Int] { shape }
    public var multiplyAccumulates: Int { shape.reduce(1, *) * inputCount }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let first = inputs[0]
        output.reshape(first.shape)
        let rows = first.batchSize, k = first.sampleCount
        for (member, input) in inputs.enumerated() {
            precondition(input.shape == first.shape, "EnsembleMean: inputs of shapes \(first.shape) and \(input.shape)")
            probabilities[member].reshape(input.shape)
            Softmax.apply(input.data, rows: rows, columns: k, into: probabilities[member].data)
        }
        let y = output.data, scale = 1 / Float(inputs.count)
        for i in 0..<(rows * k) {
            var mean: Float = 0
            for p in probabilities { mean += p.data[i] }
            // A class every member rules out still gets a finite logit (and a finite gradient).
            y[i] = logf(max(mean * scale, .leastNormalMagnitude))
        }
        return output
    }

    /// With q the mean probability and p a member's: ∂L/∂z_j = h_j − p_j·Σ_c h_c, where h_c = g_c·p_c/(k·q_c).
    public func backwardToInputs(_ outputGradient: Tensor) -> [Tensor] {
        let rows = outputGradient.batchSize, k = outputGradient.sampleCount
        let g = outputGradient.data, members = Float(inputCount)
        for (member, p) in probabilities.enumerated() {
            let dz = inputGradients[member]
            dz.reshape(outputGradient.shape)
            for r in 0..<rows {
                var total: Float = 0
                for c in 0..<k {
                    let i = r * k + c
                    let h = g[i] * p.data[i] / (members * max(expf(output.data[i]), .leastNormalMagnitude))
                    dz.data[i] = h
                    total += h
                }
                for c in 0..<k { dz.data[r * k + c] -= p.data[r * k + c] * total }
            }
        }
        return inputGradients
    }
}
