/// Max or average pooling over size×size windows with `valid` padding (the Keras default), or max pooling
/// with TensorFlow's `same` padding, whose border windows are clipped to the image. Max pooling records
/// each window's winner in training; backward after an inference forward finds the winners again from that
/// forward's input (the previous layer's buffer, unchanged until the next forward).
public final class Pool2D: Layer {
    public enum Mode: Sendable { case max, average }
    public var needsInputGradient = true
    let height, width, channels, size, strides, outHeight, outWidth: Int
    let mode: Mode
    let padding: LayerSpec.Padding
    let padTop, padLeft: Int
    /// Also written by the stage that folds a BatchNorm and a ReLU into this pool (`BatchNormReLUMaxPool`).
    let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    /// For max pooling: the index within its image of the input that won each output.
    private var winners: [Int32] = []
    /// Whether `winners` belong to the last forward pass.
    var winnersAreCurrent = false
    private var lastInput: Tensor?
    private let scratch = Tensor(shape: [0])

    init(inputShape: [Int], size: Int, strides: Int, mode: Mode, padding: LayerSpec.Padding = .valid) {
        (height, width, channels) = (inputShape[0], inputShape[1], inputShape[2])
        self.size = size
        self.strides = strides
        self.mode = mode
        self.padding = padding
        (outHeight, outWidth, padTop, padLeft) = DepthwiseConv2D.geometry(height, width, (size, size), strides, padding)
    }

    public var spec: LayerSpec {
        if padding == .same { return .maxPoolSame(size: size, strides: strides) }
        return mode == .max ? .maxPool(size: size, strides: strides) : .averagePool(size: size, strides: strides)
    }
    public var outputShape: [Int] { [outHeight, outWidth, channels] }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        lastInput = input
        winnersAreCurrent = mode == .max && training
        return pool(input, into: output, recordingWinners: mode == .max && training)
    }

    private func pool(_ input: Tensor, into output: Tensor, recordingWinners recordsWinners: Bool) -> Tensor {
        let batch = input.batchSize
        output.reshape([batch, outHeight, outWidth, channels])
        if recordsWinners && winners.count < output.count { winners = [Int32](repeating: 0, count: output.count) }
        if padding == .same { return clippedMaxForward(input, recordsWinners: recordsWinners) }
        let (h, w, c, k, s, oh, ow) = (height, width, channels, size, strides, outHeight, outWidth)
        let x = input.data, y = output.data, isMax = mode == .max
        let inverseArea = 1 / Float(k * k)
        // Channels innermost (NHWC): each window position is a contiguous run of `c` floats, so the max or sum
        // over a window is k*k vectorised passes over one output pixel's channels.
        winners.withUnsafeMutableBufferPointer { winners in
            let winners = winners.baseAddress
            Compute.parallelChunks(batch, minimumPerChunk: 1) { range in
                for n in range {
                    let image = x + n * h * w * c
                    for oy in 0..<oh {
                        for ox in 0..<ow {
                            let outBase = ((n * oh + oy) * ow + ox) * c
                            let out = y + outBase
                            if recordsWinners, let winners {
                                // Each gradient goes back to the first input (in window order) holding the max;
                                // 8 channels at a time, choosing by mask where a branch per value mispredicts.
                                Self.maxWithWinners(image, window: (oy * s * w + ox * s) * c, rowStride: w * c,
                                                    size: k, channels: c, into: out, winners: winners + outBase)
                                continue
                            }
                            out.update(from: image + ((oy * s) * w + ox * s) * c, count: c)
                            for ky in 0..<k {
                                for kx in 0..<k where ky != 0 || kx != 0 {
                                    let source = image + ((oy * s + ky) * w + ox * s + kx) * c
                                    if isMax {
                                        for ch in 0..<c { out[ch] = source[ch] > out[ch] ? source[ch] : out[ch] }
                                    } else {
                                        for ch in 0..<c { out[ch] += source[ch] }
                                    }
                                }
                            }
                            if !isMax {
                                for ch in 0..<c { out[ch] *= inverseArea }
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// out[ch] = the max over a k×k window at `window` (the index of its top-left value), winners[ch] = the
    /// index of the first value in window order that holds it.
    @inline(__always)
    private static func maxWithWinners(_ image: UnsafePointer<Float>, window: Int, rowStride: Int, size k: Int,
                                       channels c: Int, into out: UnsafeMutablePointer<Float>,
                                       winners: UnsafeMutablePointer<Int32>) {
        let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        var ch = 0
        while ch + 8 <= c {
            var best = UnsafeRawPointer(image + window + ch).loadUnaligned(as: SIMD8<Float>.self)
            var won = SIMD8<Int32>(repeating: Int32(window + ch)) &+ lanes
            for ky in 0..<k {
                for kx in 0..<k where ky != 0 || kx != 0 {
                    let start = window + ky * rowStride + kx * c + ch
                    let value = UnsafeRawPointer(image + start).loadUnaligned(as: SIMD8<Float>.self)
                    let better = value .> best
                    best.replace(with: value, where: better)
                    won.replace(with: SIMD8<Int32>(repeating: Int32(start)) &+ lanes, where: better)
                }
            }
            UnsafeMutableRawPointer(out + ch).storeBytes(of: best, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(winners + ch).storeBytes(of: won, as: SIMD8<Int32>.self)
            ch += 8
        }
        for ch in ch..<c {
            var best = image[window + ch], won = Int32(window + ch)
            for ky in 0..<k {
                for kx in 0..<k where ky != 0 || kx != 0 {
                    let index = window + ky * rowStride + kx * c + ch
                    if image[index] > best { best = image[index]; won = Int32(index) }
                }
            }
            out[ch] = best
            winners[ch] = won
        }
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        let batch = outputGradient.batchSize
        inputGradient.reshape([batch, height, width, channels])
        guard needsInputGradient else { return inputGradient }
        let (h, w, c, k, s, oh, ow) = (height, width, channels, size, strides, outHeight, outWidth)
        let dy = outputGradient.data, dx = inputGradient.data, isMax = mode == .max
        if isMax && !winnersAreCurrent {
            guard let input = lastInput else { preconditionFailure("Pool2D.backward before forward") }
            _ = pool(input, into: scratch, recordingWinners: true)
            winnersAreCurrent = true
        }
        let inverseArea = 1 / Float(k * k)
        precondition(isMax || padding == .valid, "Pool2D: average pooling has only valid padding")
        winners.withUnsafeBufferPointer { winners in
            let winners = winners.baseAddress
            Compute.parallelChunks(batch, minimumPerChunk: 1) { range in
                for n in range {
                    let image = dx + n * h * w * c
                    image.update(repeating: 0, count: h * w * c)
                    let outImage = n * oh * ow * c
                    if isMax {
                        for i in 0..<(oh * ow * c) { image[Int(winners![outImage + i])] += dy[outImage + i] }
                    } else {
                        for oy in 0..<oh {
                            for ox in 0..<ow {
                                for ch in 0..<c {
                                    let g = dy[outImage + (oy * ow + ox) * c + ch] * inverseArea
                                    for ky in 0..<k {
                                        for kx in 0..<k { image[((oy * s + ky) * w + ox * s + kx) * c + ch] += g }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }

    /// Max pooling whose windows may reach past the border (`same` padding): only in-image values compete,
    /// as in TensorFlow, where the padding is −∞.
    private func clippedMaxForward(_ input: Tensor, recordsWinners: Bool) -> Tensor {
        let batch = input.batchSize
        let (h, w, c, k, s, oh, ow, pt, pl) = (height, width, channels, size, strides, outHeight, outWidth, padTop, padLeft)
        let x = UnsafePointer(input.data), y = output.data
        winners.withUnsafeMutableBufferPointer { winners in
            let winners = winners.baseAddress
            Compute.parallelChunks(batch, minimumPerChunk: 1) { range in
                for n in range {
                    let image = x + n * h * w * c
                    for oy in 0..<oh {
                        let y0 = max(oy * s - pt, 0), y1 = min(oy * s - pt + k, h)
                        for ox in 0..<ow {
                            let x0 = max(ox * s - pl, 0), x1 = min(ox * s - pl + k, w)
                            let outBase = ((n * oh + oy) * ow + ox) * c
                            let out = y + outBase
                            let first = (y0 * w + x0) * c
                            // Windows inside the image (all but the border's) take the vectorised path.
                            if recordsWinners, let winners, y1 - y0 == k, x1 - x0 == k {
                                Self.maxWithWinners(image, window: first, rowStride: w * c, size: k, channels: c,
                                                    into: out, winners: winners + outBase)
                                continue
                            }
                            out.update(from: image + first, count: c)
                            if recordsWinners, let winners { for ch in 0..<c { winners[outBase + ch] = Int32(first + ch) } }
                            for iy in y0..<y1 {
                                for ix in x0..<x1 where iy != y0 || ix != x0 {
                                    let base = (iy * w + ix) * c
                                    let source = image + base
                                    if recordsWinners, let winners {
                                        for ch in 0..<c where source[ch] > out[ch] {
                                            out[ch] = source[ch]
                                            winners[outBase + ch] = Int32(base + ch)
                                        }
                                    } else {
                                        for ch in 0..<c { out[ch] = source[ch] > out[ch] ? source[ch] : out[ch] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}
