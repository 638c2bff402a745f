import NeuralKernels

/// Stochastic gradient descent with (Nesterov) momentum and L2 weight decay on kernels, in Keras's form:
/// v ← μ·v − η·g;  w ← w + μ·v − η·g (Nesterov) or w ← w + v.  Weight decay adds λ·w to g.
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    public var step = 0
    private var velocities: [ObjectIdentifier: Tensor] = [:]

    public init(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public func update(_ parameters: [Parameter]) {
        step += 1
        let (lr, mu, nesterov) = (learningRate, momentum, nesterov)
        for parameter in parameters where parameter.isTrainable {
            let decay = parameter.decays ? weightDecay : 0
            let velocity = self.velocity(for: parameter)
            let w = parameter.value.data, g = parameter.gradient.data, v = velocity.data
            Compute.parallelChunks(parameter.value.count, minimumPerChunk: 1 << 16) { range in
                let i = range.lowerBound
                nk_sgd_update(range.count, w + i, g + i, v + i, lr, mu, nesterov ? 1 : 0, decay)
            }
        }
    }

    public func stateTensors(for parameters: [Parameter]) -> [(name: String, tensor: Tensor)] {
        parameters.enumerated().filter { $0.element.isTrainable }.map { index, parameter in
            (name: "\(index).velocity", tensor: velocity(for: parameter))
        }
    }

    private func velocity(for parameter: Parameter) -> Tensor {
        let key = ObjectIdentifier(parameter)
        if let v = velocities[key] { return v }
        let v = Tensor(shape: parameter.value.shape)
        velocities[key] = v
        return v
    }
}
