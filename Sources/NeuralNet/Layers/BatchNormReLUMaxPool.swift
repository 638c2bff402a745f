import NeuralKernels

/// A BatchNorm, the ReLU after it and a 2x2 max pool of stride 2 after that, trained as one stage of a chain
/// (`Network.stages`): one pass over the full-size activations forward after the statistics, and one backward
/// after the sums, instead of the three layers' six. Nothing full-size is written forward: the pool keeps
/// each window's winning input, from which backward finds where the gradient goes and what the ReLU passed.
/// Inference, and a backward after it, run the BatchNorm with its ReLU and then the pool, as layers.
final class BatchNormReLUMaxPool {
    let norm: BatchNorm
    let relu: ReLU
    let pool: Pool2D
    /// Each window's winning input, the pool's output shape.
    private let winning = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    private var lastInput: Tensor?
    private var lastForwardWasFolded = false

    /// The stage for layers `norm`, `relu`, `pool`, if they are of the kinds and shapes it folds.
    init?(_ norm: any Layer, _ relu: any Layer, _ pool: any Layer) {
        guard let norm = norm as? BatchNorm, let relu = relu as? ReLU, let pool = pool as? Pool2D,
              pool.mode == .max, pool.padding == .valid, pool.size == 2, pool.strides == 2,
              pool.height % 2 == 0, pool.width % 2 == 0 else { return nil }
        (self.norm, self.relu, self.pool) = (norm, relu, pool)
    }

    func forward(_ input: Tensor, training: Bool) -> Tensor {
        lastInput = input
        lastForwardWasFolded = training
        guard training else {
            return pool.forward(norm.forward(input, training: false, rectifiedBy: relu), training: false)
        }
        let (h, w, c) = (pool.height, pool.width, pool.channels)
        let batch = input.batchSize, rows = batch * h / 2
        precondition(input.sampleCount == h * w * c, "BatchNormReLUMaxPool expects [n, \(h), \(w), \(c)], got \(input.shape)")
        pool.output.reshape([batch, h / 2, w / 2, c])
        pool.winnersAreCurrent = false
        winning.reshape(pool.output.shape)
        norm.takeBatchStatistics(input)
        guard rows > 0 else { return pool.output }
        let (mean, inverse) = norm.batchStatistics
        let x = UnsafePointer(input.data), y = pool.output.data, won = winning.data
        let (g, b) = (UnsafePointer(norm.gamma.value.data), UnsafePointer(norm.beta.value.data))
        let (inRow, outRow) = (2 * w * c, w / 2 * c)
        mean.withUnsafeBufferPointer { mu in
            inverse.withUnsafeBufferPointer { inv in
                Compute.parallelChunks(rows, minimumPerChunk: 8) { range in
                    let r0 = range.lowerBound
                    nk_batchnorm_pool_forward(Int32(range.count), Int32(w), Int32(c), x + r0 * inRow, mu.baseAddress,
                                              inv.baseAddress, g, b, y + r0 * outRow, won + r0 * outRow)
                }
            }
        }
        return pool.output
    }

    /// The gradient with respect to the stage's input, given the gradient with respect to the pool's output.
    func backward(_ outputGradient: Tensor) -> Tensor {
        guard lastForwardWasFolded else { return norm.backward(pool.backward(outputGradient), rectifiedBy: relu) }
        guard let input = lastInput else { preconditionFailure("BatchNormReLUMaxPool.backward before forward") }
        let (w, c) = (pool.width, pool.channels)
        let count = outputGradient.count / c, rows = input.count / (2 * w * c)
        inputGradient.reshape(input.shape)
        let dy = UnsafePointer(outputGradient.data), won = UnsafePointer(winning.data)
        let (g, b) = (UnsafePointer(norm.gamma.value.data), UnsafePointer(norm.beta.value.data))
        let (mean, inverse) = norm.batchStatistics
        let sums = mean.withUnsafeBufferPointer { mu in
            inverse.withUnsafeBufferPointer { inv in
                BatchNorm.partialSums(rows: count, width: 2 * c) { r0, n, partial in
                    nk_batchnorm_pool_gradient_sums(Int32(n), Int32(c), dy + r0 * c, won + r0 * c, mu.baseAddress,
                                                    inv.baseAddress, g, b, partial)
                }
            }
        }
        let (k, meanDBeta, meanDGamma) = norm.takeGradientSums(sums, rows: input.count / c)
        guard norm.needsInputGradient, rows > 0 else { return inputGradient }
        let x = UnsafePointer(input.data), dx = inputGradient.data
        let (inRow, outRow) = (2 * w * c, w / 2 * c)
        mean.withUnsafeBufferPointer { mu in
            inverse.withUnsafeBufferPointer { inv in
                k.withUnsafeBufferPointer { k in
                    meanDBeta.withUnsafeBufferPointer { db in
                        meanDGamma.withUnsafeBufferPointer { dg in
                            Compute.parallelChunks(rows, minimumPerChunk: 8) { range in
                                let r0 = range.lowerBound
                                nk_batchnorm_pool_input_gradient(
                                    Int32(range.count), Int32(w), Int32(c), dy + r0 * outRow, won + r0 * outRow,
                                    x + r0 * inRow, mu.baseAddress, inv.baseAddress, g, b, k.baseAddress,
                                    db.baseAddress, dg.baseAddress, dx + r0 * inRow)
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }
}
