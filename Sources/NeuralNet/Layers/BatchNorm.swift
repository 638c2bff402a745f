import NeuralKernels

/// Batch normalisation over every axis but the last (channels), as Keras's BatchNormalization.
///
/// Training normalises with the batch's own mean and (biased) variance and moves the running averages by
/// `momentum`; inference uses the running averages: y = γ·(x − mean)/√(var + ε) + β.
public final class BatchNorm: Layer {
    public let gamma, beta, movingMean, movingVariance: Parameter
    public var needsInputGradient = true
    let shape: [Int]
    let channels: Int
    let epsilon, momentum: Float

    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    /// The last training forward's batch statistics, which its backward reuses (x̂ is recomputed from the
    /// input rather than kept: one pass less over the activations each way).
    private var batchMean: [Float]
    private var inverseStd: [Float]
    private var scale: [Float]
    private var shift: [Float]
    /// The last forward's mode and input (the previous layer's buffer, unchanged until the next forward).
    private var lastForwardWasTraining = true
    private var lastInput: Tensor?
    /// Rows per partial sum: fixed, so that sums (and so a seeded run) do not depend on the thread count.
    static let rowsPerPartialSum = 1024

    init(inputShape: [Int], epsilon: Float, momentum: Float) {
        shape = inputShape
        channels = inputShape.last ?? 1
        self.epsilon = epsilon
        self.momentum = momentum
        gamma = Parameter(name: "gamma", value: Tensor(shape: [channels], repeating: 1))
        beta = Parameter(name: "beta", value: Tensor(shape: [channels]))
        movingMean = Parameter(name: "moving_mean", value: Tensor(shape: [channels]), isTrainable: false)
        movingVariance = Parameter(name: "moving_variance", value: Tensor(shape: [channels], repeating: 1),
                                   isTrainable: false)
        inverseStd = [Float](repeating: 1, count: channels)
        batchMean = [Float](repeating: 0, count: channels)
        scale = inverseStd
        shift = [Float](repeating: 0, count: channels)
    }

    public var spec: LayerSpec { .batchNorm(epsilon: epsilon, momentum: momentum) }
    public var outputShape: [Int] { shape }
    public var parameters: [Parameter] { [gamma, beta, movingMean, movingVariance] }
    public var multiplyAccumulates: Int { shape.reduce(1, *) }

    public func forward(_ input: Tensor, training: Bool) -> Tensor { forward(input, training: training, rectifiedBy: nil) }

    /// The forward pass with `relu` (the layer that reads this one's output) folded in: writes max(0, y) into
    /// the ReLU's output and returns it, in one pass where two layers take two.
    func forward(_ input: Tensor, training: Bool, rectifiedBy relu: ReLU?) -> Tensor {
        let destination = relu?.output ?? output
        destination.reshape(input.shape)
        let c = channels, rows = input.count / channels
        lastForwardWasTraining = training
        lastInput = input
        guard rows > 0 else { return destination }
        let x = UnsafePointer(input.data), y = destination.data
        if training {
            takeBatchStatistics(input)
            let (g, b) = (UnsafePointer(gamma.value.data), UnsafePointer(beta.value.data))
            batchMean.withUnsafeBufferPointer { mu in
                inverseStd.withUnsafeBufferPointer { inv in
                    Compute.parallelChunks(rows, minimumPerChunk: 512) { range in
                        nk_batchnorm_forward(Int32(range.count), Int32(c), x + range.lowerBound * c, mu.baseAddress,
                                             inv.baseAddress, g, b, relu == nil ? 0 : 1, y + range.lowerBound * c)
                    }
                }
            }
            return destination
        }
        for j in 0..<c {
            scale[j] = gamma.value[j] / (movingVariance.value[j] + epsilon).squareRoot()
            shift[j] = beta.value[j] - movingMean.value[j] * scale[j]
        }
        let rectify = relu != nil
        scale.withUnsafeBufferPointer { a in
            shift.withUnsafeBufferPointer { b in
                Compute.parallelChunks(rows, minimumPerChunk: 512) { range in
                    for r in range {
                        let base = r * c
                        for j in 0..<c { y[base + j] = x[base + j] * a[j] + b[j] }
                        if rectify { for j in 0..<c { y[base + j] = max(y[base + j], 0) } }
                    }
                }
            }
        }
        return destination
    }

    /// Training's first pass: the batch's mean and inverse standard deviation per channel (kept for backward)
    /// and the running averages moved towards them.
    func takeBatchStatistics(_ input: Tensor) {
        let c = channels, rows = input.count / channels, x = UnsafePointer(input.data)
        lastForwardWasTraining = true
        lastInput = input
        guard rows > 0 else { return }
        let sums = Self.partialSums(rows: rows, width: 2 * c) { r0, count, partial in
            nk_channel_moments(Int32(count), Int32(c), x + r0 * c, partial)
        }
        for j in 0..<c {
            let mean = sums[j] / Double(rows)
            let variance = Float(max(0, sums[c + j] / Double(rows) - mean * mean))
            batchMean[j] = Float(mean)
            inverseStd[j] = 1 / (variance + epsilon).squareRoot()
            movingMean.value[j] = momentum * movingMean.value[j] + (1 - momentum) * batchMean[j]
            movingVariance.value[j] = momentum * movingVariance.value[j] + (1 - momentum) * variance
        }
    }

    /// The statistics of the last training forward.
    var batchStatistics: (mean: [Float], inverse: [Float]) { (batchMean, inverseStd) }

    /// Stores dβ and dγ from `sums` (Σ g, then Σ g·x̂ per channel) over `rows` rows, and returns the
    /// per-channel factors of a training batch's dx = k·(g − meanDBeta − x̂·meanDGamma).
    func takeGradientSums(_ sums: [Double], rows: Int) -> (k: [Float], meanDBeta: [Float], meanDGamma: [Float]) {
        let c = channels, m = Float(max(rows, 1))
        for j in 0..<c {
            beta.gradient[j] = Float(sums[j])
            gamma.gradient[j] = Float(sums[c + j])
        }
        return ((0..<c).map { gamma.value[$0] * inverseStd[$0] }, (0..<c).map { beta.gradient[$0] / m },
                (0..<c).map { gamma.gradient[$0] / m })
    }

    public func backward(_ outputGradient: Tensor) -> Tensor { backward(outputGradient, rectifiedBy: nil) }

    /// The backward pass of `forward(_:training:rectifiedBy:)` with the same `relu`: `outputGradient` is the
    /// gradient with respect to the ReLU's output, masked here on the fly by where that output is positive.
    func backward(_ outputGradient: Tensor, rectifiedBy relu: ReLU?) -> Tensor {
        guard let input = lastInput else { preconditionFailure("BatchNorm.backward before forward") }
        let c = channels, rows = outputGradient.count / channels
        inputGradient.reshape(outputGradient.shape)
        let dy = UnsafePointer(outputGradient.data), x = UnsafePointer(input.data)
        let mask = relu.map { UnsafePointer($0.output.data) }
        let mean: [Float], inverse: [Float]
        if lastForwardWasTraining {
            (mean, inverse) = (batchMean, inverseStd)
        } else {
            // The inference map y = scale·x + shift, with the running statistics held fixed.
            mean = (0..<c).map { movingMean.value[$0] }
            inverse = (0..<c).map { 1 / (movingVariance.value[$0] + epsilon).squareRoot() }
        }
        let sums = mean.withUnsafeBufferPointer { mu in
            inverse.withUnsafeBufferPointer { inv in
                Self.partialSums(rows: rows, width: 2 * c) { r0, count, partial in
                    nk_batchnorm_gradient_sums(Int32(count), Int32(c), dy + r0 * c, mask.map { $0 + r0 * c },
                                               x + r0 * c, mu.baseAddress, inv.baseAddress, partial)
                }
            }
        }
        let trained = takeGradientSums(sums, rows: rows)
        guard needsInputGradient, rows > 0 else { return inputGradient }
        // Training: dx = γ/(σ·M) · (M·g − dβ − x̂·dγ). Inference: dx = scale·g (the same with dβ, dγ terms 0).
        let none = [Float](repeating: 0, count: c)
        let (k, meanDBeta, meanDGamma) = lastForwardWasTraining ? trained : (scale, none, none)
        let dx = inputGradient.data
        mean.withUnsafeBufferPointer { mu in
            inverse.withUnsafeBufferPointer { inv in
                k.withUnsafeBufferPointer { k in
                    meanDBeta.withUnsafeBufferPointer { db in
                        meanDGamma.withUnsafeBufferPointer { dg in
                            Compute.parallelChunks(rows, minimumPerChunk: 512) { range in
                                let r0 = range.lowerBound
                                nk_batchnorm_input_gradient(Int32(range.count), Int32(c), dy + r0 * c,
                                                            mask.map { $0 + r0 * c }, x + r0 * c, mu.baseAddress,
                                                            inv.baseAddress, k.baseAddress, db.baseAddress,
                                                            dg.baseAddress, dx + r0 * c)
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }

    /// Sums `width` values per row over all rows: `accumulate(firstRow, rowCount, partial)` adds a block of
    /// `rowsPerPartialSum` rows into its own zeroed Double partial; the partials are added in block order, so
    /// the result is the same for any thread count.
    static func partialSums(rows: Int, width: Int,
                            _ accumulate: (Int, Int, UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        let block = rowsPerPartialSum
        let blocks = (rows + block - 1) / block
        var partials = [Double](repeating: 0, count: blocks * width)
        partials.withUnsafeMutableBufferPointer { partials in
            let partials = partials.baseAddress!
            Compute.parallelChunks(blocks, chunks: blocks) { _, range in
                for b in range {
                    let r0 = b * block
                    accumulate(r0, min(block, rows - r0), partials + b * width)
                }
            }
        }
        var result = [Double](repeating: 0, count: width)
        for b in 0..<blocks { for j in 0..<width { result[j] += partials[b * width + j] } }
        return result
    }
}
