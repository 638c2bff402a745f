import CBLAS
import Foundation
import NeuralKernels

/// 2-D convolution over NHWC images by im2col + one `cblas_sgemm` for the whole batch.
///
/// The kernel is stored as Keras stores it, [kh, kw, inChannels, filters], which is exactly the
/// [K, filters] matrix the im2col product needs (K = kh·kw·inChannels, columns ordered ky, kx, channel).
/// Padding follows TensorFlow's `same` rule: total padding max((ceil(n/s)−1)·s + k − n, 0), the odd pixel
/// going to the bottom/right.
///
/// Stride-1 `same` 3x3 and 5x5 convolutions with enough channels run by Winograd instead (forward and
/// both gradients), which needs 2.25–6.25x fewer multiplications; `usesWinograd` says whether a layer can.
/// More forward paths serve inference and thin layers (`Path`; `lastPath` says which one a call took): small
/// batches in a layer prepared for inference go by 2x2 Winograd tiles or tap by tap (`TapConvolution`), and
/// products with at most 32 taps are written straight into the output.
public final class Conv2D: Layer {
    /// Lets new layers choose Winograd where it applies (on by default; off to compare in benchmarks).
    /// Set once at start, before any layer is built (the executable's EMOSCOPE_CONVOLUTION=im2col).
    nonisolated(unsafe) public static var allowsWinograd = true

    /// Fewer tiles than this (one face on the 6x6 layer: 9) take another path at inference: the transformed
    /// kernel is up to 4x the size of the weights, and streaming it from memory for so few tiles costs more
    /// than the multiplications Winograd saves.
    static let winogradMinimumTiles = 16
    /// Up to this many output pixels per batch, a layer prepared for inference convolves tap by tap.
    static let tapConvolutionMaximumRows = 64
    public let kernel: Parameter
    public let bias: Parameter?
    public var needsInputGradient = true

    let height, width, channels, filters, kernelHeight, kernelWidth, strides: Int
    let padding: LayerSpec.Padding
    let outHeight, outWidth, padTop, padLeft: Int
    /// A 1x1 stride-1 convolution needs no im2col: the input already is the column matrix.
    let isPointwise: Bool
    /// Few input channels and few filters: at inference the tap-by-tap path serves every batch size.
    let isThinAndNarrow: Bool

    private let output = Tensor(shape: [0])
    private let columns = Tensor(shape: [0])
    private let transposedOutput = Tensor(shape: [0])
    private let columnGradient = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    private let ones = Tensor(shape: [0])
    private var lastInput: Tensor?
    let winograd: WinogradConvolution?
    /// F(2x2, r×r) beside a layer's F(4x4, r×r), for inference on batches that leave the larger tiles too
    /// few: one face on a 12x12 3x3 layer has 9 tiles of 4x4 but 36 of 2x2, which still halve the
    /// multiplications, with a transformed kernel 1.8x the weights instead of 4x.
    private let smallBatchWinograd: WinogradConvolution?
    private let taps: TapConvolution?

    public var usesWinograd: Bool { winograd != nil }
    /// Set by `prepareForInference()`: the kernel will not change, so its Winograd transform is kept.
    private var isFrozen = false
    /// The ways a forward can go, from the most specialised.
    enum Path { case winograd, smallBatchWinograd, taps, thin, im2col }
    /// Which path the last forward took; backward must take the same (training takes winograd, thin or im2col).
    private(set) var lastPath = Path.im2col

    init(inputShape: [Int], filters: Int, kernel: (Int, Int), strides: Int, padding: LayerSpec.Padding,
         useBias: Bool, kernelName: String = "kernel", generator: inout SeededGenerator,
         allowWinograd: Bool = Conv2D.allowsWinograd) {
        (height, width, channels) = (inputShape[0], inputShape[1], inputShape[2])
        self.filters = filters
        (kernelHeight, kernelWidth) = kernel
        self.strides = strides
        self.padding = padding
        switch padding {
        case .same:
            outHeight = (height + strides - 1) / strides
            outWidth = (width + strides - 1) / strides
            padTop = max((outHeight - 1) * strides + kernelHeight - height, 0) / 2
            padLeft = max((outWidth - 1) * strides + kernelWidth - width, 0) / 2
        case .valid:
            outHeight = (height - kernelHeight) / strides + 1
            outWidth = (width - kernelWidth) / strides + 1
            padTop = 0
            padLeft = 0
        }
        isPointwise = kernelHeight == 1 && kernelWidth == 1 && strides == 1
        // Tap by tap needs stride 1 and enough channels to fill a product; thinner layers have their own path.
        // Layers both thin and narrow (fer's 8 to 8 channels on 60x60) go tap by tap at any batch: im2col would copy
        // nine times the input to feed products of only 8 columns.
        isThinAndNarrow = channels < 16 && filters <= 16
        taps = strides == 1 && !isPointwise && (channels >= 16 || isThinAndNarrow) && kernelHeight * kernelWidth * channels > 32
            ? TapConvolution(height: height, width: width, channels: channels, filters: filters,
                             kernelHeight: kernelHeight, kernelWidth: kernelWidth, padTop: padTop, padLeft: padLeft,
                             outHeight: outHeight, outWidth: outWidth)
            : nil
        let fanIn = kernelHeight * kernelWidth * channels
        let fanOut = kernelHeight * kernelWidth * filters
        self.kernel = Parameter(name: kernelName, value: Initializer.glorotUniform(
            shape: [kernelHeight, kernelWidth, channels, filters], fanIn: fanIn, fanOut: fanOut,
            generator: &generator), decays: true)
        bias = useBias ? Parameter(name: "bias", value: Tensor(shape: [filters])) : nil
        if allowWinograd, strides == 1, padding == .same, kernel.0 == kernel.1,
           let tile = WinogradConvolution.tileSize(kernel: kernel.0, height: height, width: width,
                                                   inChannels: channels, outChannels: filters) {
            winograd = WinogradConvolution(height: height, width: width, inChannels: channels, outChannels: filters,
                                           kernel: kernel.0, tileSize: tile)
            smallBatchWinograd = tile == 4
                ? WinogradConvolution(height: height, width: width, inChannels: channels, outChannels: filters,
                                      kernel: kernel.0, tileSize: 2)
                : nil
        } else {
            winograd = nil
            smallBatchWinograd = nil
        }
    }

    public var spec: LayerSpec {
        .conv2D(filters: filters, kernel: [kernelHeight, kernelWidth], strides: strides, padding: padding,
                useBias: bias != nil)
    }
    public var outputShape: [Int] { [outHeight, outWidth, filters] }
    public var parameters: [Parameter] { [kernel] + (bias.map { [$0] } ?? []) }
    public var multiplyAccumulates: Int { outHeight * outWidth * filters * kernelHeight * kernelWidth * channels }
    var columnWidth: Int { kernelHeight * kernelWidth * channels }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let batch = input.batchSize
        precondition(input.sampleCount == height * width * channels,
                     "Conv2D expects [n, \(height), \(width), \(channels)], got \(input.shape)")
        let rows = batch * outHeight * outWidth
        lastInput = input
        output.reshape([batch, outHeight, outWidth, filters])
        // Training ends the promise of prepareForInference: gradients may follow, so no inference-only path.
        if training { isFrozen = false }
        if let winograd, training || winograd.tileCount(batch: batch) >= Self.winogradMinimumTiles {
            // A layer prepared for inference will not be asked for gradients: its transformed input need not stay.
            winograd.forward(input.data, batch: batch, kernel: kernel.value.data, bias: bias?.value.data, into: output.data,
                             kernelIsFrozen: isFrozen, keepingInputTiles: !isFrozen)
            lastPath = .winograd
            return output
        }
        if let smallBatchWinograd, isFrozen, smallBatchWinograd.tileCount(batch: batch) >= Self.winogradMinimumTiles {
            smallBatchWinograd.forward(input.data, batch: batch, kernel: kernel.value.data, bias: bias?.value.data,
                                       into: output.data, kernelIsFrozen: true, keepingInputTiles: false)
            lastPath = .smallBatchWinograd
            return output
        }
        // Small images at inference, past the thin first layer: shifted products per tap (no backward follows).
        if let taps, isFrozen, rows <= Self.tapConvolutionMaximumRows || isThinAndNarrow {
            taps.forward(input.data, batch: batch, kernel: kernel.value.data, bias: bias?.value.data, into: output.data)
            lastPath = .taps
            return output
        }
        if columnWidth <= 32 {
            // So few taps (a gray image's 3x3) make an im2col product bound by its short inner dimension: every
            // block of pixels × filters accumulates in registers over the taps, read straight from the image
            // (the backward builds the columns it needs).
            convolveThin(input.data, batch: batch, into: output.data)
            lastPath = .thin
            return output
        }
        if isPointwise {
            // The input already is the column matrix, and the product lands in NHWC order as it is.
            Compute.gemm(m: rows, n: filters, k: channels, a: input.data, lda: channels, b: kernel.value.data,
                         ldb: filters, c: output.data, ldc: filters)
            if let bias {
                let b = UnsafePointer(bias.value.data), y = output.data, f = filters
                Compute.parallelChunks(rows, minimumPerChunk: 1024) { range in
                    for r in range { for j in 0..<f { y[r * f + j] += b[j] } }
                }
            }
            lastPath = .im2col
            return output
        }
        columns.reshape([rows, columnWidth])
        imageToColumns(input.data, batch: batch, into: columns.data)
        let matrix = UnsafePointer(columns.data)
        // Computed as outputᵀ = kernelᵀ · columnsᵀ: on these shapes (few filters, many pixels) OpenBLAS runs that
        // orientation faster than the direct product, by more than the pass that transposes it back (adding the
        // bias on the way) costs.
        transposedOutput.reshape([filters, rows])
        Compute.gemm(transposeA: true, transposeB: true, m: filters, n: rows, k: columnWidth,
                     a: kernel.value.data, lda: filters, b: matrix, ldb: columnWidth, c: transposedOutput.data, ldc: rows)
        Compute.transpose(transposedOutput.data, rows: rows, columns: filters, addingToEachRow: bias?.value.data,
                          into: output.data)
        lastPath = .im2col
        return output
    }

    /// Promises that the weights stay as they are until the next training step, so derived forms of the
    /// kernel (its Winograd transform) can be computed once instead of on every call.
    public func prepareForInference() {
        isFrozen = true
        winograd?.kernelChanged()
        smallBatchWinograd?.kernelChanged()
        taps?.kernelChanged()
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let input = lastInput else { preconditionFailure("Conv2D.backward before forward") }
        isFrozen = false
        let batch = input.batchSize
        let rows = batch * outHeight * outWidth
        if let bias {
            // dBias = dOutᵀ · 1, a matrix-vector product.
            if ones.count < rows { ones.reshape([rows]); ones.fill(1) }
            cblas_sgemv(CblasRowMajor, CblasTrans, blasint(rows), blasint(filters), 1, outputGradient.data,
                        blasint(filters), ones.data, 1, 0, bias.gradient.data, 1)
        }
        inputGradient.reshape(input.shape)
        precondition(lastPath != .smallBatchWinograd && lastPath != .taps, "Conv2D.backward after an inference forward")
        if let winograd, lastPath == .winograd {
            winograd.backward(outputGradient.data, input: input.data, kernel: kernel.value.data,
                              kernelGradient: kernel.gradient.data,
                              inputGradient: needsInputGradient ? inputGradient.data : nil)
            return inputGradient
        }
        if lastPath == .thin && !isPointwise {
            kernelGradientThin(input.data, outputGradient.data, batch: batch, partials: columns,
                               into: kernel.gradient.data)
            guard needsInputGradient else { return inputGradient }
        } else {
            let matrix = isPointwise ? UnsafePointer(input.data) : UnsafePointer(columns.data)
            // dKernel[K, filters] = columnsᵀ · dOut
            Compute.gemm(transposeA: true, m: columnWidth, n: filters, k: rows, a: matrix, lda: columnWidth,
                         b: outputGradient.data, ldb: filters, c: kernel.gradient.data, ldc: filters)
            guard needsInputGradient else { return inputGradient }
        }
        if isPointwise {
            Compute.gemm(transposeB: true, m: rows, n: columnWidth, k: filters, a: outputGradient.data, lda: filters,
                         b: kernel.value.data, ldb: filters, c: inputGradient.data, ldc: columnWidth)
        } else {
            columnGradient.reshape([rows, columnWidth])
            Compute.gemm(transposeB: true, m: rows, n: columnWidth, k: filters, a: outputGradient.data, lda: filters,
                         b: kernel.value.data, ldb: filters, c: columnGradient.data, ldc: columnWidth)
            columnsToImage(columnGradient.data, batch: batch, into: inputGradient.data)
        }
        return inputGradient
    }

    /// Copies each output pixel's receptive field into one row; out-of-image taps are zero.
    private func imageToColumns(_ source: UnsafeMutablePointer<Float>, batch: Int,
                                into destination: UnsafeMutablePointer<Float>) {
        let (h, w, c, kh, kw, s) = (height, width, channels, kernelHeight, kernelWidth, strides)
        let (oh, ow, pt, pl, k) = (outHeight, outWidth, padTop, padLeft, columnWidth)
        Compute.parallelChunks(batch * oh, minimumPerChunk: 1) { range in
            for imageRow in range {
                let n = imageRow / oh, oy = imageRow % oh
                let image = source + n * h * w * c
                for ox in 0..<ow {
                    let row = destination + (imageRow * ow + ox) * k
                    let x0 = ox * s - pl
                    // The in-image run of kx taps is contiguous in NHWC: copy it in one go.
                    let kxStart = max(0, -x0), kxEnd = min(kw, w - x0)
                    for ky in 0..<kh {
                        let iy = oy * s - pt + ky
                        let dst = row + ky * kw * c
                        if iy < 0 || iy >= h || kxStart >= kxEnd {
                            dst.update(repeating: 0, count: kw * c)
                            continue
                        }
                        if kxStart > 0 { dst.update(repeating: 0, count: kxStart * c) }
                        (dst + kxStart * c).update(from: image + (iy * w + x0 + kxStart) * c,
                                                   count: (kxEnd - kxStart) * c)
                        if kxEnd < kw { (dst + kxEnd * c).update(repeating: 0, count: (kw - kxEnd) * c) }
                    }
                }
            }
        }
    }

    /// The adjoint of `imageToColumns`: adds every row's entries back onto the pixels they came from.
    private func columnsToImage(_ source: UnsafeMutablePointer<Float>, batch: Int,
                                into destination: UnsafeMutablePointer<Float>) {
        let (h, w, c, kh, kw, s) = (height, width, channels, kernelHeight, kernelWidth, strides)
        let (oh, ow, pt, pl, k) = (outHeight, outWidth, padTop, padLeft, columnWidth)
        // Parallel over whole images: rows of one image overlap, different images never do.
        Compute.parallelChunks(batch, minimumPerChunk: 1) { range in
            for n in range {
                let image = destination + n * h * w * c
                image.update(repeating: 0, count: h * w * c)
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let row = source + ((n * oh + oy) * ow + ox) * k
                        let x0 = ox * s - pl
                        let kxStart = max(0, -x0), kxEnd = min(kw, w - x0)
                        guard kxStart < kxEnd else { continue }
                        for ky in 0..<kh {
                            let iy = oy * s - pt + ky
                            if iy < 0 || iy >= h { continue }
                            let src = row + (ky * kw + kxStart) * c
                            let dst = image + (iy * w + x0 + kxStart) * c
                            for i in 0..<((kxEnd - kxStart) * c) { dst[i] += src[i] }
                        }
                    }
                }
            }
        }
    }
}
