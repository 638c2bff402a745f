import NeuralKernels

extension Conv2D {
    /// The thin path's forward: `nk_conv_thin` over chunks of output rows, split at image boundaries.
    func convolveThin(_ input: UnsafeMutablePointer<Float>, batch: Int, into out: UnsafeMutablePointer<Float>) {
        let shape = NKThinShape(height: Int32(height), width: Int32(width), channels: Int32(channels),
                                filters: Int32(filters), kernelHeight: Int32(kernelHeight), kernelWidth: Int32(kernelWidth),
                                stride: Int32(strides), padTop: Int32(padTop), padLeft: Int32(padLeft),
                                outHeight: Int32(outHeight), outWidth: Int32(outWidth))
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
}
