import NeuralKernels

extension Conv2D {
    private var thinShape: NKThinShape {
        NKThinShape(height: Int32(height), width: Int32(width), channels: Int32(channels), filters: Int32(filters),
                    kernelHeight: Int32(kernelHeight), kernelWidth: Int32(kernelWidth), stride: Int32(strides),
                    padTop: Int32(padTop), padLeft: Int32(padLeft), outHeight: Int32(outHeight),
                    outWidth: Int32(outWidth))
    }

    /// The thin path's forward: `nk_conv_thin` over chunks of output rows, split at image boundaries.
    func convolveThin(_ input: UnsafeMutablePointer<Float>, batch: Int, into out: UnsafeMutablePointer<Float>) {
        let shape = thinShape
        let (oh, inSize, outSize) = (outHeight, height * width * channels, outHeight * outWidth * filters)
        let (weights, biasValues) = (UnsafePointer(kernel.value.data), bias.map { UnsafePointer($0.value.data) })
        // Chunks of a few rows: each pads its own rows, so more chunks than threads cost little and balance the load.
        let imageRows = batch * oh
        Compute.parallelChunks(imageRows, chunks: min(imageRows, max(8 * Compute.threads, imageRows / 8))) { _, range in
            var row = range.lowerBound
            while row < range.upperBound {
                let n = row / oh, end = min(range.upperBound, (n + 1) * oh)
                let status = nk_conv_thin(shape, input + n * inSize, Int32(row - n * oh), Int32(end - n * oh), weights,
                                          biasValues, out + n * outSize)
                precondition(status == 0, "Conv2D: out of memory for the thin convolution's padded rows")
                row = end
            }
        }
    }

    /// The thin path's kernel gradient, straight from the image and dY (an im2col product would have an output
    /// of taps × filters and the batch's every pixel as its inner dimension). Each image's sums go to a buffer
    /// of their own, added in image order: the result does not depend on the threads.
    func kernelGradientThin(_ input: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>, batch: Int,
                            partials: Tensor, into gradient: UnsafeMutablePointer<Float>) {
        let shape = thinShape
        let (oh, inSize, outSize) = (Int32(outHeight), height * width * channels, outHeight * outWidth * filters)
        let size = kernelHeight * kernelWidth * channels * filters
        partials.reshape([batch, size])
        let sums = partials.data
        Compute.parallelChunks(batch, chunks: batch) { _, images in
            for n in images {
                (sums + n * size).update(repeating: 0, count: size)
                let status = nk_conv_thin_kernel_gradient(shape, input + n * inSize, 0, oh, outputGradient + n * outSize,
                                                          sums + n * size)
                precondition(status == 0, "Conv2D: out of memory for the thin convolution's padded rows")
            }
        }
        for e in 0..<size {
            var sum: Float = 0
            for n in 0..<batch { sum += sums[n * size + e] }
            gradient[e] = sum
        }
    }
}
