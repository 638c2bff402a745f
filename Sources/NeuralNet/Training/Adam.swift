import NeuralKernels

/// Adam as Keras implements it: bias correction folded into the step size, ε = 1e-7 by default.
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1, beta2, epsilon: Float
    public var step = 0
    private var firstMoments: [ObjectIdentifier: Tensor] = [:]
    private var secondMoments: [ObjectIdentifier: Tensor] = [:]

    public init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public func update(_ parameters: [Parameter]) {
        step += 1
        let t = Float(step)
        let stepSize = learningRate * (1 - powf(beta2, t)).squareRoot() / (1 - powf(beta1, t))
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        for parameter in parameters where parameter.isTrainable {
            let (m, v) = moments(for: parameter)
            let w = parameter.value.data, g = parameter.gradient.data, md = m.data, vd = v.data
            Compute.parallelChunks(parameter.value.count, minimumPerChunk: 1 << 16) { range in
                let i = range.lowerBound
                nk_adam_update(range.count, w + i, g + i, md + i, vd + i, b1, b2, stepSize, eps)
            }
        }
    }

    public func stateTensors(for parameters: [Parameter]) -> [(name: String, tensor: Tensor)] {
        parameters.enumerated().filter { $0.element.isTrainable }.flatMap { index, parameter in
            let (m, v) = moments(for: parameter)
            return [(name: "\(index).m", tensor: m), (name: "\(index).v", tensor: v)]
        }
    }

    private func moments(for parameter: Parameter) -> (Tensor, Tensor) {
        let key = ObjectIdentifier(parameter)
        if let m = firstMoments[key], let v = secondMoments[key] { return (m, v) }
        let m = Tensor(shape: parameter.value.shape), v = Tensor(shape: parameter.value.shape)
        firstMoments[key] = m
        secondMoments[key] = v
        return (m, v)
    }
}

#if canImport(Glibc)
import Glibc
#endif
