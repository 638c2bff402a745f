/// Inverted dropout: in training each value is zeroed with probability `rate` and the survivors scaled by
/// 1/(1 − rate), so inference is the identity.
public final class Dropout: Layer {
    public var needsInputGradient = true
    let shape: [Int]
    let rate: Float
    /// Reseeded by the trainer for each batch, so a resumed run draws the same masks.
    public var generator: SeededGenerator
    private let output = Tensor(shape: [0])
    private let mask = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    private var wasTraining = false

    init(inputShape: [Int], rate: Float, seed: UInt64) {
        shape = inputShape
        self.rate = rate
        generator = SeededGenerator(seed: seed)
    }

    public var spec: LayerSpec { .dropout(rate: rate) }
    public var outputShape: [Int] { shape }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        output.reshape(input.shape)
        wasTraining = training && rate > 0
        guard wasTraining else {
            output.data.update(from: input.data, count: input.count)
            return output
        }
        mask.reshape(input.shape)
        let keep = 1 - rate, scale = 1 / (1 - rate)
        let x = input.data, y = output.data, m = mask.data
        // Blocks of at most 16384 values draw from their own generators, seeded from one draw of the layer's and the
        // block's position: the masks run on every core and are the same whatever the thread count.
        let seed = generator.next()
        Compute.parallelChunks(input.count, chunks: (input.count + 16383) / 16384) { _, block in
            var blockGenerator = SeededGenerator(seed: seed &+ UInt64(block.lowerBound))
            for i in block {
                let kept: Float = blockGenerator.nextUnit() < keep ? scale : 0
                m[i] = kept
                y[i] = x[i] * kept
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        inputGradient.reshape(outputGradient.shape)
        let dy = outputGradient.data, dx = inputGradient.data
        if wasTraining {
            let m = mask.data
            for i in 0..<outputGradient.count { dx[i] = dy[i] * m[i] }
        } else {
            dx.update(from: dy, count: outputGradient.count)
        }
        return inputGradient
    }
}
