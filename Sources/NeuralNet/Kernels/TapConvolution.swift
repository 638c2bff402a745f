import NeuralKernels

/// Stride-1 convolution as a sum over the kernel's taps of shifted products: for tap (ky, kx), each output
/// row's in-image pixels times that tap's [in × out] slice of the kernel, added into the output.
///
/// For small images at inference (one face on the 6x6 layer; from 12x12 up, BLAS's packing pays off): no
/// im2col copy, no multiplications by the padding's zeros (a third of a 5x5 kernel's taps on a 6x6 image),
/// and the weights packed once for the products (`nk_pack`), where BLAS repacks all of them on every call.
final class TapConvolution {
    let height, width, channels, filters, kernelHeight, kernelWidth, padTop, padLeft, outHeight, outWidth: Int
    /// Each tap's [in × out] slice of the kernel, packed in column panels.
    private let packedKernel = Tensor(shape: [0])
    private var packedKernelIsCurrent = false

    init(height: Int, width: Int, channels: Int, filters: Int, kernelHeight: Int, kernelWidth: Int, padTop: Int,
         padLeft: Int, outHeight: Int, outWidth: Int) {
        (self.height, self.width, self.channels, self.filters) = (height, width, channels, filters)
        (self.kernelHeight, self.kernelWidth, self.padTop, self.padLeft) = (kernelHeight, kernelWidth, padTop, padLeft)
        (self.outHeight, self.outWidth) = (outHeight, outWidth)
    }

    /// The kernel may have changed: the next forward packs it anew.
    func kernelChanged() { packedKernelIsCurrent = false }

    /// Needs a kernel frozen since the last `kernelChanged()`: it is packed on the first call only.
    func forward(_ input: UnsafePointer<Float>, batch: Int, kernel: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                 into output: UnsafeMutablePointer<Float>) {
        let (c, f) = (channels, filters)
        if !packedKernelIsCurrent {
            packedKernel.reshape([kernelHeight * kernelWidth, c, f])
            let packed = packedKernel.data
            Compute.parallelChunks(kernelHeight * kernelWidth, minimumPerChunk: 1) { taps in
                for tap in taps { nk_pack(Int32(c), Int32(f), kernel + tap * c * f, Int32(f), packed + tap * c * f) }
            }
            packedKernelIsCurrent = true
        }
        let packed = UnsafePointer(packedKernel.data)
        // Each thread its own 16-column blocks of output channels, so its share of the weights is read once; with
        // one block (few filters), each thread its own images instead.
        let blocks = (f + 15) / 16
        if blocks == 1 && batch > 1 {
            Compute.parallelChunks(batch, chunks: batch) { _, images in
                for n in images { convolve(input, image: n, packed: packed, bias: bias, into: output, firstColumn: 0, columns: f) }
            }
            return
        }
        Compute.parallelChunks(blocks, chunks: blocks) { _, share in
            let c0 = share.lowerBound * 16, columns = min(f, share.upperBound * 16) - c0
            for n in 0..<batch { convolve(input, image: n, packed: packed, bias: bias, into: output, firstColumn: c0, columns: columns) }
        }
    }

    /// Output columns c0..<c0 + columns of image n.
    private func convolve(_ input: UnsafePointer<Float>, image n: Int, packed: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                          into output: UnsafeMutablePointer<Float>, firstColumn c0: Int, columns: Int) {
        let (h, w, c, f, oh, ow) = (height, width, channels, filters, outHeight, outWidth)
        let image = input + n * h * w * c
        let out = output + n * oh * ow * f + c0
        for pixel in 0..<(oh * ow) {
            let o = out + pixel * f
            if let bias { o.update(from: bias + c0, count: columns) } else { o.update(repeating: 0, count: columns) }
        }
        for ky in 0..<kernelHeight {
            let dy = ky - padTop
            let y0 = max(0, -dy), y1 = min(oh, h - dy)
            for kx in 0..<kernelWidth {
                let dx = kx - padLeft
                let x0 = max(0, -dx), x1 = min(ow, w - dx)
                guard y0 < y1, x0 < x1 else { continue }
                // Columns c0... of the tap's packed slice start at c0·c (c0 is a multiple of 16).
                let weights = packed + (ky * kernelWidth + kx) * c * f + c0 * c
                // Whole rows on both sides are contiguous in NHWC: one product for all of them.
                let merged = x0 == 0 && x1 == ow && ow == w
                for y in stride(from: y0, to: y1, by: merged ? y1 - y0 : 1) {
                    let rows = merged ? (y1 - y0) * ow : x1 - x0
                    nk_sgemm_packed_add(Int32(rows), Int32(columns), Int32(c),
                                        image + ((y + dy) * w + x0 + dx) * c, Int32(c), weights,
                                        out + (y * ow + x0) * f, Int32(f))
                }
            }
        }
    }
}
