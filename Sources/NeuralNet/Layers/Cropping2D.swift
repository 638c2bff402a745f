/// Keeps the window of an image inside `top`, `bottom`, `left` and `right` cut rows and columns:
/// [n, h, w, c] → [n, h − top − bottom, w − left − right, c], as Keras's Cropping2D.
public final class Cropping2D: Layer {
    public var needsInputGradient = true
    let height, width, channels: Int
    let top, bottom, left, right: Int
    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])

    init(inputShape: [Int], top: Int, bottom: Int, left: Int, right: Int) {
        (height, width, channels) = (inputShape[0], inputShape[1], inputShape[2])
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
    }

    public var spec: LayerSpec { .cropping2D(top: top, bottom: bottom, left: left, right: right) }
    public var outputShape: [Int] { [height - top - bottom, width - left - right, channels] }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let batch = input.batchSize, (outH, outW) = (outputShape[0], outputShape[1])
        output.reshape([batch, outH, outW, channels])
        let x = input.data, y = output.data, run = outW * channels
        for n in 0..<batch {
            for row in 0..<outH {
                let source = ((n * height + row + top) * width + left) * channels
                (y + (n * outH + row) * run).update(from: x + source, count: run)
            }
        }
        return output
    }

    /// The cut rows and columns had no effect on the output: their gradient is zero.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let batch = outputGradient.batchSize, (outH, outW) = (outputShape[0], outputShape[1])
        inputGradient.reshape([batch, height, width, channels])
        guard needsInputGradient else { return inputGradient }
        inputGradient.fill(0)
        let dy = outputGradient.data, dx = inputGradient.data, run = outW * channels
        for n in 0..<batch {
            for row in 0..<outH {
                let target = ((n * height + row + top) * width + left) * channels
                (dx + target).update(from: dy + (n * outH + row) * run, count: run)
            }
        }
        return inputGradient
    }
}
