/// Depthwise 2-D convolution over NHWC images: each input channel is convolved with its own
/// `depthMultiplier` kernels, never mixed with the other channels (Keras's DepthwiseConv2D).
///
/// The kernel is stored as Keras stores it, [kh, kw, channels, depthMultiplier]; output channel c·M + m comes
/// from input channel c and kernel m. Padding follows TensorFlow's `same` rule, as `Conv2D`. There is no
/// product to hand to BLAS here: the loops run over output pixels with the channels innermost, where NHWC keeps
/// them contiguous so each tap is one vectorised pass. With stride 1 and one kernel per channel (SeparableConv2D's
/// case) a tap covers a whole output row at once: the row of inputs it reads is contiguous too, and the kernel
/// is laid out repeated along the row, so each tap is one long multiply-add over three contiguous arrays
/// instead of a short loop per pixel.
public final class DepthwiseConv2D: Layer {
    public let kernel: Parameter
    public let bias: Parameter?
    public var needsInputGradient = true
    let height, width, channels, multiplier, kernelHeight, kernelWidth, strides: Int
    let padding: LayerSpec.Padding
    let outHeight, outWidth, padTop, padLeft: Int

    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    /// Each tap's weights repeated once per output column, [kh·kw, outWidth·channels] (the row-wise path).
    private let rowTaps = Tensor(shape: [0])
    /// Each image's kernel gradient, summed in image order so training is the same whatever the thread count.
    private let kernelGradients = Tensor(shape: [0])
    private var lastInput: Tensor?

    init(inputShape: [Int], kernel: (Int, Int), strides: Int, padding: LayerSpec.Padding, depthMultiplier: Int,
         useBias: Bool, kernelName: String = "depthwise_kernel", generator: inout SeededGenerator) {
        (height, width, channels) = (inputShape[0], inputShape[1], inputShape[2])
        (kernelHeight, kernelWidth) = kernel
        multiplier = depthMultiplier
        self.strides = strides
        self.padding = padding
        (outHeight, outWidth, padTop, padLeft) = Self.geometry(height, width, kernel, strides, padding)
        // Keras's fans for a depthwise kernel: each output sees kh·kw inputs.
        let taps = kernel.0 * kernel.1
        self.kernel = Parameter(name: kernelName, value: Initializer.glorotUniform(
            shape: [kernel.0, kernel.1, channels, depthMultiplier], fanIn: taps * channels,
            fanOut: taps * depthMultiplier, generator: &generator), decays: true)
        bias = useBias ? Parameter(name: "bias", value: Tensor(shape: [channels * depthMultiplier])) : nil
    }

    /// Output size and the padding before the first row and column, by TensorFlow's rules.
    static func geometry(_ h: Int, _ w: Int, _ kernel: (Int, Int), _ s: Int,
                         _ padding: LayerSpec.Padding) -> (Int, Int, Int, Int) {
        switch padding {
        case .same:
            let oh = (h + s - 1) / s, ow = (w + s - 1) / s
            return (oh, ow, max((oh - 1) * s + kernel.0 - h, 0) / 2, max((ow - 1) * s + kernel.1 - w, 0) / 2)
        case .valid:
            return ((h - kernel.0) / s + 1, (w - kernel.1) / s + 1, 0, 0)
        }
    }

    public var spec: LayerSpec {
        .depthwiseConv2D(kernel: [kernelHeight, kernelWidth], strides: strides, padding: padding,
                         depthMultiplier: multiplier, useBias: bias != nil)
    }
    public var outputShape: [Int] { [outHeight, outWidth, channels * multiplier] }
    public var parameters: [Parameter] { [kernel] + (bias.map { [$0] } ?? []) }
    public var multiplyAccumulates: Int { outHeight * outWidth * channels * multiplier * kernelHeight * kernelWidth }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let batch = input.batchSize
        precondition(input.sampleCount == height * width * channels,
                     "DepthwiseConv2D expects [n, \(height), \(width), \(channels)], got \(input.shape)")
        lastInput = input
        let oc = channels * multiplier
        output.reshape([batch, outHeight, outWidth, oc])
        let (h, w, c, m, kh, kw, s) = (height, width, channels, multiplier, kernelHeight, kernelWidth, strides)
        let (oh, ow, pt, pl) = (outHeight, outWidth, padTop, padLeft)
        let x = UnsafePointer(input.data), y = output.data, k = UnsafePointer(kernel.value.data)
        let b = bias.map { UnsafePointer($0.value.data) }
        if s == 1 && m == 1 {
            forwardByRows(x, batch: batch, bias: b)
            return output
        }
        Compute.parallelChunks(batch * oh, minimumPerChunk: max(1, 4096 / max(1, ow * oc * kh * kw))) { range in
            for imageRow in range {
                let n = imageRow / oh, oy = imageRow % oh
                let image = x + n * h * w * c
                for ox in 0..<ow {
                    let out = y + ((n * oh + oy) * ow + ox) * oc
                    if let b { out.update(from: b, count: oc) } else { out.update(repeating: 0, count: oc) }
                    for ky in 0..<kh {
                        let iy = oy * s - pt + ky
                        guard iy >= 0 && iy < h else { continue }
                        for kx in 0..<kw {
                            let ix = ox * s - pl + kx
                            guard ix >= 0 && ix < w else { continue }
                            let pixel = image + (iy * w + ix) * c, tap = k + (ky * kw + kx) * oc
                            if m == 1 {
                                for ch in 0..<c { out[ch] += pixel[ch] * tap[ch] }
                            } else {
                                for ch in 0..<c { for j in 0..<m { out[ch * m + j] += pixel[ch] * tap[ch * m + j] } }
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// Stride 1, multiplier 1: out[oy, ox, c] += x[oy + ky − pt, ox + kx − pl, c] · k[ky, kx, c] as one pass per
    /// output row and tap over the columns where the tap stays inside the image.
    private func forwardByRows(_ x: UnsafePointer<Float>, batch: Int, bias b: UnsafePointer<Float>?) {
        let (h, w, c, kh, kw) = (height, width, channels, kernelHeight, kernelWidth)
        let (oh, ow, pt, pl) = (outHeight, outWidth, padTop, padLeft)
        let rowLength = ow * c
        rowTaps.reshape([kh * kw, rowLength])
        let taps = rowTaps.data, k = kernel.value.data
        for t in 0..<(kh * kw) { for ox in 0..<ow { (taps + t * rowLength + ox * c).update(from: k + t * c, count: c) } }
        let repeated = UnsafePointer(taps), y = output.data
        Compute.parallelChunks(batch * oh, minimumPerChunk: max(1, 8192 / max(1, rowLength * kh * kw))) { range in
            for imageRow in range {
                let n = imageRow / oh, oy = imageRow % oh
                let image = x + n * h * w * c, out = y + imageRow * rowLength
                if let b {
                    for ox in 0..<ow { (out + ox * c).update(from: b, count: c) }
                } else {
                    out.update(repeating: 0, count: rowLength)
                }
                for ky in 0..<kh {
                    let iy = oy - pt + ky
                    guard iy >= 0 && iy < h else { continue }
                    for kx in 0..<kw {
                        // Columns whose input ox − pl + kx lies in [0, w).
                        let first = max(0, pl - kx), end = min(ow, w + pl - kx)
                        guard first < end else { continue }
                        let source = image + (iy * w + first - pl + kx) * c
                        let weights = repeated + (ky * kw + kx) * rowLength + first * c
                        let destination = out + first * c
                        for i in 0..<((end - first) * c) { destination[i] += source[i] * weights[i] }
                    }
                }
            }
        }
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let input = lastInput else { preconditionFailure("DepthwiseConv2D.backward before forward") }
        let batch = input.batchSize
        let oc = channels * multiplier
        let (h, w, c, m, kh, kw, s) = (height, width, channels, multiplier, kernelHeight, kernelWidth, strides)
        let (oh, ow, pt, pl) = (outHeight, outWidth, padTop, padLeft)
        let x = UnsafePointer(input.data), dy = UnsafePointer(outputGradient.data)
        let k = UnsafePointer(kernel.value.data), dk = kernel.gradient.data
        inputGradient.reshape(input.shape)
        let dx = inputGradient.data
        let computesInput = needsInputGradient
        dk.update(repeating: 0, count: kernel.value.count)
        if let bias {
            let db = bias.gradient.data
            db.update(repeating: 0, count: oc)
            for p in 0..<(batch * oh * ow) { for j in 0..<oc { db[j] += dy[p * oc + j] } }
        }
        let kernelCount = kernel.value.count
        kernelGradients.reshape([batch, kernelCount])
        let partials = kernelGradients.data
        // Images in parallel: each has its own input gradient and its own share of the kernel gradient.
        Compute.parallelChunks(batch, chunks: batch) { _, images in
            for n in images {
                let image = x + n * h * w * c, imageGradient = dx + n * h * w * c, dkn = partials + n * kernelCount
                dkn.update(repeating: 0, count: kernelCount)
                if computesInput { imageGradient.update(repeating: 0, count: h * w * c) }
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let g = dy + ((n * oh + oy) * ow + ox) * oc
                        for ky in 0..<kh {
                            let iy = oy * s - pt + ky
                            guard iy >= 0 && iy < h else { continue }
                            for kx in 0..<kw {
                                let ix = ox * s - pl + kx
                                guard ix >= 0 && ix < w else { continue }
                                let offset = (iy * w + ix) * c, tap = (ky * kw + kx) * oc
                                let pixel = image + offset, tapGradient = dkn + tap, taps = k + tap
                                for ch in 0..<c {
                                    for j in 0..<m { tapGradient[ch * m + j] += pixel[ch] * g[ch * m + j] }
                                }
                                guard computesInput else { continue }
                                let pixelGradient = imageGradient + offset
                                for ch in 0..<c {
                                    var sum: Float = 0
                                    for j in 0..<m { sum += taps[ch * m + j] * g[ch * m + j] }
                                    pixelGradient[ch] += sum
                                }
                            }
                        }
                    }
                }
            }
        }
        for n in 0..<batch {
            let dkn = UnsafePointer(partials + n * kernelCount)
            for i in 0..<kernelCount { dk[i] += dkn[i] }
        }
        return inputGradient
    }
}
