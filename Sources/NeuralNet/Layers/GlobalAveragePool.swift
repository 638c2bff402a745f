/// Averages each channel over the whole image: [n, h, w, c] → [n, c].
public final class GlobalAveragePool: Layer {
    public var needsInputGradient = true
    let height, width, channels: Int
    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])

    init(inputShape: [Int]) { (height, width, channels) = (inputShape[0], inputShape[1], inputShape[2]) }

    public var spec: LayerSpec { .globalAveragePool }
    public var outputShape: [Int] { [channels] }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let batch = input.batchSize, pixels = height * width, c = channels
        output.reshape([batch, c])
        output.fill(0)
        let x = input.data, y = output.data, inverse = 1 / Float(pixels)
        for n in 0..<batch {
            for p in 0..<pixels {
                let base = (n * pixels + p) * c
                for j in 0..<c { y[n * c + j] += x[base + j] }
            }
            for j in 0..<c { y[n * c + j] *= inverse }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        let batch = outputGradient.batchSize, pixels = height * width, c = channels
        inputGradient.reshape([batch, height, width, c])
        let dy = outputGradient.data, dx = inputGradient.data, inverse = 1 / Float(pixels)
        for n in 0..<batch {
            for p in 0..<pixels {
                let base = (n * pixels + p) * c
                for j in 0..<c { dx[base + j] = dy[n * c + j] * inverse }
            }
        }
        return inputGradient
    }
}
