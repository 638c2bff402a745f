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
    private let normalized = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    private var inverseStd: [Float]
    private var scale: [Float]
    private var shift: [Float]
    /// The last forward's mode and, at inference, its input (the previous layer's buffer, unchanged until the
    /// next forward), which the parameter gradients need.
    private var lastForwardWasTraining = true
    private var lastInput: Tensor?

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
        scale = inverseStd
        shift = [Float](repeating: 0, count: channels)
    }

    public var spec: LayerSpec { .batchNorm(epsilon: epsilon, momentum: momentum) }
    public var outputShape: [Int] { shape }
    public var parameters: [Parameter] { [gamma, beta, movingMean, movingVariance] }
    public var multiplyAccumulates: Int { shape.reduce(1, *) }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        output.reshape(input.shape)
        let c = channels, rows = input.count / channels
        lastForwardWasTraining = training
        lastInput = training ? nil : input
        if training {
            let (mean, variance) = momentsPerChannel(input.data, rows: rows)
            normalized.reshape(input.shape)
            for j in 0..<c {
                inverseStd[j] = 1 / (variance[j] + epsilon).squareRoot()
                movingMean.value[j] = momentum * movingMean.value[j] + (1 - momentum) * mean[j]
                movingVariance.value[j] = momentum * movingVariance.value[j] + (1 - momentum) * variance[j]
            }
            let x = input.data, xHat = normalized.data, y = output.data
            let g = gamma.value.data, b = beta.value.data
            inverseStd.withUnsafeBufferPointer { inv in
                mean.withUnsafeBufferPointer { mu in
                    Compute.parallelChunks(rows, minimumPerChunk: 512) { range in
                        for r in range {
                            let base = r * c
                            for j in 0..<c {
                                let n = (x[base + j] - mu[j]) * inv[j]
                                xHat[base + j] = n
                                y[base + j] = g[j] * n + b[j]
                            }
                        }
                    }
                }
            }
        } else {
            for j in 0..<c {
                scale[j] = gamma.value[j] / (movingVariance.value[j] + epsilon).squareRoot()
                shift[j] = beta.value[j] - movingMean.value[j] * scale[j]
            }
            let x = input.data, y = output.data
            scale.withUnsafeBufferPointer { a in
                shift.withUnsafeBufferPointer { b in
                    Compute.parallelChunks(rows, minimumPerChunk: 512) { range in
                        for r in range {
                            let base = r * c
                            for j in 0..<c { y[base + j] = x[base + j] * a[j] + b[j] }
                        }
                    }
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        if !lastForwardWasTraining, let input = lastInput { return inferenceBackward(outputGradient, input: input) }
        let c = channels, rows = outputGradient.count / channels
        let dy = outputGradient.data, xHat = normalized.data
        // dβ = Σ dy, dγ = Σ dy·x̂ per channel, summed in per-chunk partials then combined.
        let sums = channelSums(rows: rows) { r, partial in
            let base = r * c
            for j in 0..<c {
                partial[j] += dy[base + j]
                partial[c + j] += dy[base + j] * xHat[base + j]
            }
        }
        for j in 0..<c {
            beta.gradient[j] = Float(sums[j])
            gamma.gradient[j] = Float(sums[c + j])
        }
        inputGradient.reshape(outputGradient.shape)
        guard needsInputGradient else { return inputGradient }
        // dx = γ/(σ·M) · (M·dy − dβ − x̂·dγ)
        let m = Float(rows)
        var k = [Float](repeating: 0, count: c)
        var meanDBeta = k, meanDGamma = k
        for j in 0..<c {
            k[j] = gamma.value[j] * inverseStd[j]
            meanDBeta[j] = beta.gradient[j] / m
            meanDGamma[j] = gamma.gradient[j] / m
        }
        let dx = inputGradient.data
        k.withUnsafeBufferPointer { k in
            meanDBeta.withUnsafeBufferPointer { db in
                meanDGamma.withUnsafeBufferPointer { dg in
                    Compute.parallelChunks(rows, minimumPerChunk: 512) { range in
                        for r in range {
                            let base = r * c
                            for j in 0..<c {
                                dx[base + j] = k[j] * (dy[base + j] - db[j] - xHat[base + j] * dg[j])
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }

    /// The gradients of y = scale·x + shift with the running statistics held fixed: dx = scale·dy,
    /// dβ = Σ dy, dγ = Σ dy·(x − mean)/√(var + ε).
    private func inferenceBackward(_ outputGradient: Tensor, input: Tensor) -> Tensor {
        let c = channels, rows = outputGradient.count / channels
        let dy = outputGradient.data, x = input.data
        let mean = movingMean.value.data
        let inverse = (0..<c).map { 1 / (movingVariance.value[$0] + epsilon).squareRoot() }
        let sums = inverse.withUnsafeBufferPointer { inv in
            channelSums(rows: rows) { r, partial in
                let base = r * c
                for j in 0..<c {
                    partial[j] += dy[base + j]
                    partial[c + j] += dy[base + j] * (x[base + j] - mean[j]) * inv[j]
                }
            }
        }
        for j in 0..<c {
            beta.gradient[j] = Float(sums[j])
            gamma.gradient[j] = Float(sums[c + j])
        }
        inputGradient.reshape(outputGradient.shape)
        guard needsInputGradient else { return inputGradient }
        let dx = inputGradient.data
        scale.withUnsafeBufferPointer { a in
            Compute.parallelChunks(rows, minimumPerChunk: 512) { range in
                for r in range {
                    let base = r * c
                    for j in 0..<c { dx[base + j] = dy[base + j] * a[j] }
                }
            }
        }
        return inputGradient
    }

    /// Batch mean and biased variance per channel (two passes: exact enough in Float for any batch).
    private func momentsPerChannel(_ x: UnsafeMutablePointer<Float>, rows: Int) -> ([Float], [Float]) {
        let c = channels
        let sums = channelSums(rows: rows) { r, partial in
            let base = r * c
            for j in 0..<c { partial[j] += x[base + j] }
        }
        let mean = (0..<c).map { Float(sums[$0] / Double(rows)) }
        let squares = mean.withUnsafeBufferPointer { mu in
            channelSums(rows: rows) { r, partial in
                let base = r * c
                for j in 0..<c {
                    let d = x[base + j] - mu[j]
                    partial[j] += d * d
                }
            }
        }
        return (mean, (0..<c).map { Float(squares[$0] / Double(rows)) })
    }

    /// Runs `accumulate(row, partial)` over all rows in parallel chunks; each chunk adds into a Float partial
    /// of 2·channels entries, flushed to Double every 256 rows so long batches keep their precision.
    private func channelSums(rows: Int,
                             _ accumulate: (Int, UnsafeMutablePointer<Float>) -> Void) -> [Double] {
        let width = 2 * channels
        let chunks = min(Compute.threads, max(1, rows / 512))
        let step = (rows + chunks - 1) / chunks
        var totals = [Double](repeating: 0, count: chunks * width)
        totals.withUnsafeMutableBufferPointer { totals in
            let totals = totals.baseAddress!
            Compute.parallelChunks(chunks, minimumPerChunk: 1) { chunkRange in
                let partial = UnsafeMutablePointer<Float>.allocate(capacity: width)
                defer { partial.deallocate() }
                for chunk in chunkRange {
                    let total = totals + chunk * width
                    var r = chunk * step
                    let end = min(rows, r + step)
                    while r < end {
                        partial.update(repeating: 0, count: width)
                        let blockEnd = min(end, r + 256)
                        while r < blockEnd { accumulate(r, partial); r += 1 }
                        for j in 0..<width { total[j] += Double(partial[j]) }
                    }
                }
            }
        }
        var result = [Double](repeating: 0, count: width)
        for chunk in 0..<chunks { for j in 0..<width { result[j] += totals[chunk * width + j] } }
        return result
    }
}
