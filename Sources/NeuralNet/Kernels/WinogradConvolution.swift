import NeuralKernels

/// Stride-1 `same` convolution with an odd square kernel by Winograd's F(m×m, r×r), NHWC, for all three
/// products a training step needs:
/// - forward:  Y  = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A per m×m output tile, the ⊙ summed over input channels as
///   n² matrix products [tiles × in] · [in × out];
/// - input gradient: the same with the kernel rotated 180° and its channel axes swapped;
/// - kernel gradient: F(r×r, m×m) over the same tiles, Gᵀ[(Σ_tiles (A dY Aᵀ) ⊙ (Bᵀ x B))]G, reusing the
///   forward's transformed input tiles, or for small layers transforming them again block by block.
/// F(4×4, 3×3) needs 36 multiplications per 16 outputs instead of 144, F(2×2, 5×5) 36 per 4 instead of 100,
/// F(4×4, 5×5) 64 per 16 instead of 400.
///
/// The forward and the input gradient run block by block: a block of tiles is transformed, multiplied and
/// transformed back while it is in cache, one block per core at a time. Done layer-wide instead, a batch's
/// transformed tiles (tens to hundreds of MB for the wider layers at batch 64) go through memory three times
/// and the layer is bound by memory, not arithmetic.
final class WinogradConvolution {
    let height, width, inChannels, outChannels, r, m, n, pad, tilesY, tilesX: Int
    let transform: WinogradTransform
    /// Bᵀ and Aᵀ where the C transforms read them.
    private let inputTransform: Tensor, outputTransform: Tensor

    /// Bᵀ d B of every input tile, [n², tiles, in]; kept from a training forward for the kernel gradient.
    private let inputTiles = Tensor(shape: [0])
    /// G g Gᵀ, [n², in, out], each plane packed in column panels (`nk_pack`) for the products.
    private let kernelTiles = Tensor(shape: [0])
    /// A kernel transform before packing, kept between training steps.
    private let unpackedTiles = Tensor(shape: [0])
    private let flippedKernelTiles = Tensor(shape: [0])
    private let flippedKernel = Tensor(shape: [0])
    private let gradientTiles = Tensor(shape: [0])
    private let kernelGradientTiles = Tensor(shape: [0])
    private var batch = 0
    /// Whether `inputTiles` holds the last forward's input, as `backward` needs.
    private var inputTilesAreCurrent = false
    /// Whether `kernelTiles` holds the transform of a kernel frozen for inference.
    private var kernelTilesAreCurrent = false
    /// A (n×m, Aᵀ transposed), which takes an m×m tile of dY into the transformed domain for the kernel gradient.
    private let gradientTransform: Tensor
    /// Whether the kernel gradient goes by blocks of tiles (`kernelGradientByBlocks`) rather than from
    /// transformed tiles kept layer-wide; chosen by the layer's shape (tests set it to run both ways).
    var kernelGradientGoesByBlocks: Bool
    /// Each partition's sums of the kernel gradient in the transformed domain, [partitions, n², in, out].
    private let partitionSums = Tensor(shape: [0])

    /// Whether this convolution can run by Winograd, and with which output tile size: 3x3 and 5x5 kernels, by
    /// F(4, r) or F(2, r).
    static func tileSize(kernel r: Int, height: Int, width: Int, inChannels: Int, outChannels: Int) -> Int? {
        // Too few channels and the tile transforms cost more than the products they save.
        guard inChannels >= 8, outChannels >= 8, r == 3 || r == 5 else { return nil }
        // Multiplications: F(4, r) saves most, but wastes work where 4 does not divide the image. Its larger
        // tiles cost more per multiplication to transform, and its n² kernel planes more to stream, so it is
        // taken only where it saves at least a third (F(4, 5) on 6x6 images, at 0.79 of F(2, 5)'s, was slower).
        let cost = { (m: Int) in (m + r - 1) * (m + r - 1) * ((height + m - 1) / m) * ((width + m - 1) / m) }
        return 3 * cost(4) <= 2 * cost(2) ? 4 : 2
    }

    init(height: Int, width: Int, inChannels: Int, outChannels: Int, kernel r: Int, tileSize m: Int) {
        (self.height, self.width, self.inChannels, self.outChannels, self.r, self.m) = (height, width, inChannels, outChannels, r, m)
        transform = WinogradTransform(m: m, r: r)
        inputTransform = Tensor(shape: [m + r - 1, m + r - 1], values: transform.bt)
        outputTransform = Tensor(shape: [m, m + r - 1], values: transform.at)
        n = m + r - 1
        pad = (r - 1) / 2
        tilesY = (height + m - 1) / m
        tilesX = (width + m - 1) / m
        let (n, at) = (m + r - 1, transform.at)
        gradientTransform = Tensor(shape: [n, m], values: (0..<n).flatMap { i in (0..<m).map { j in at[j * n + i] } })
        kernelGradientGoesByBlocks = (m + r - 1) * (m + r - 1) * inChannels * outChannels
            <= Self.largestSumsForBlocks
    }

    /// Kernel gradients of at most this many values (the sums each partition keeps) go by blocks. Larger
    /// ones would stream their sums through memory once per block, more than the kept tiles cost.
    static let largestSumsForBlocks = 1 << 18
    /// The tiles of a batch are split into this many partitions for the kernel gradient by blocks: a number
    /// fixed by the layer, not by the threads, so that the sums add up in the same order on any machine.
    static let gradientPartitions = 4

    private var tileCount: Int { batch * tilesY * tilesX }
    func tileCount(batch: Int) -> Int { batch * tilesY * tilesX }

    /// Forgets the kernel's transform: the next forward computes it anew.
    func kernelChanged() { kernelTilesAreCurrent = false }

    /// With `kernelIsFrozen`, the caller vouches that the kernel has not changed since the last such call (or
    /// `kernelChanged()`), and its transform is computed once and then reused. With `keepingInputTiles`
    /// (training) the transformed input stays for `backward`.
    func forward(_ input: UnsafePointer<Float>, batch: Int, kernel: UnsafePointer<Float>,
                 bias: UnsafePointer<Float>?, into output: UnsafeMutablePointer<Float>,
                 kernelIsFrozen: Bool = false, keepingInputTiles: Bool = true) {
        self.batch = batch
        let nn = n * n
        if !(kernelIsFrozen && kernelTilesAreCurrent) {
            kernelTiles.reshape([nn, inChannels, outChannels])
            // A frozen kernel is transformed once: its unpacked form is a temporary, not a buffer kept for good.
            transformKernel(kernel, rows: inChannels, columns: outChannels, into: kernelTiles.data,
                            scratch: kernelIsFrozen ? Tensor(shape: [0]) : unpackedTiles)
        }
        kernelTilesAreCurrent = kernelIsFrozen
        var kept: UnsafeMutablePointer<Float>? = nil
        inputTilesAreCurrent = keepingInputTiles
        if keepingInputTiles && !kernelGradientGoesByBlocks {
            inputTiles.reshape([nn, tileCount, inChannels])
            kept = inputTiles.data
        }
        convolve(input, sourceChannels: inChannels, kernelTiles: kernelTiles.data, targetChannels: outChannels,
                 bias: bias, into: output, keepingTilesIn: kept)
    }

    /// Writes the kernel gradient and, when `inputGradient` is given, the input gradient. Needs a forward with
    /// `keepingInputTiles`, and its input, unchanged.
    func backward(_ outputGradient: UnsafePointer<Float>, input: UnsafePointer<Float>, kernel: UnsafePointer<Float>,
                  kernelGradient: UnsafeMutablePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?) {
        let tiles = tileCount, nn = n * n, plane = inChannels * outChannels
        precondition(inputTilesAreCurrent, "WinogradConvolution.backward after a forward that did not keep its input tiles")
        kernelGradientTiles.reshape([nn, inChannels, outChannels])
        if kernelGradientGoesByBlocks {
            kernelGradientByBlocks(input: input, outputGradient: outputGradient, into: kernelGradientTiles.data)
        } else {
            // Per tile position ξ, [in × tiles]·[tiles × out]: the inner dimension is the whole batch's tiles.
            gradientTiles.reshape([nn, tiles, outChannels])
            transformGradientForKernel(outputGradient, into: gradientTiles.data)
            // The n² products are independent: each worker takes whole ones, one at a time.
            let (x, dy, dm) = (UnsafePointer(inputTiles.data), UnsafePointer(gradientTiles.data), kernelGradientTiles.data)
            let (channelsIn, channelsOut) = (inChannels, outChannels)
            Compute.parallelChunks(nn, chunks: nn) { _, planes in
                for xi in planes {
                    Compute.gemmOnThisThread(transposeA: true, m: channelsIn, n: channelsOut, k: tiles,
                                             a: x + xi * tiles * channelsIn, lda: channelsIn,
                                             b: dy + xi * tiles * channelsOut, ldb: channelsOut,
                                             c: dm + xi * plane, ldc: channelsOut)
                }
            }
        }
        untransformKernelGradient(kernelGradientTiles.data, plane: plane, into: kernelGradient)
        guard let inputGradient else { return }
        // Input gradient: a `same` convolution of dY with the kernel rotated 180°, in and out swapped.
        flippedKernel.reshape([r, r, outChannels, inChannels])
        let (ci, co, rr, flipped) = (inChannels, outChannels, r, flippedKernel.data)
        // Each tap's [in, out] plane transposed, by 16x16 blocks (the strided side stays in L1), taps in parallel.
        Compute.parallelChunks(rr * rr, minimumPerChunk: 1) { taps in
            for tap in taps {
                let (ky, kx) = (tap / rr, tap % rr)
                let source = kernel + ((rr - 1 - ky) * rr + (rr - 1 - kx)) * plane
                let target = flipped + tap * plane
                for i0 in stride(from: 0, to: ci, by: 16) {
                    for o0 in stride(from: 0, to: co, by: 16) {
                        for i in i0..<min(ci, i0 + 16) {
                            for o in o0..<min(co, o0 + 16) { target[o * ci + i] = source[i * co + o] }
                        }
                    }
                }
            }
        }
        flippedKernelTiles.reshape([nn, outChannels, inChannels])
        transformKernel(flippedKernel.data, rows: outChannels, columns: inChannels, into: flippedKernelTiles.data,
                        scratch: unpackedTiles)
        convolve(outputGradient, sourceChannels: outChannels, kernelTiles: flippedKernelTiles.data,
                 targetChannels: inChannels, bias: nil, into: inputGradient, keepingTilesIn: nil)
    }

    /// target = Winograd convolution of source with the transformed kernel `u` ([n², sourceChannels,
    /// targetChannels], planes packed), block by block. Each block of tiles is transformed into scratch (or into `kept`,
    /// [n², tiles, sourceChannels]), multiplied by the n² kernel planes and transformed back into the image.
    private func convolve(_ source: UnsafePointer<Float>, sourceChannels ci: Int, kernelTiles u: UnsafePointer<Float>,
                          targetChannels co: Int, bias: UnsafePointer<Float>?, into target: UnsafeMutablePointer<Float>,
                          keepingTilesIn kept: UnsafeMutablePointer<Float>?) {
        let tiles = tileCount, nn = n * n
        let workers = max(1, Compute.threads)
        let largestBlock = Self.tilesPerBlock(tileValues: nn * (ci + co))
        let tileScratch = nn * largestBlock * ci, productScratch = nn * largestBlock * co
        let perWorker = tileScratch + productScratch + n * n * max(ci, co)
        // Blocks of equal size, at least two per worker where there are tiles enough to fill the kernel's rows,
        // claimed one at a time.
        let blocks = max((tiles + largestBlock - 1) / largestBlock, min(2 * workers, tiles / 6))
        let (inputShape, outputShape) = (shape(channels: ci), shape(channels: co))
        let (bt, at) = (UnsafePointer(inputTransform.data), UnsafePointer(outputTransform.data))
        Compute.parallelChunks(tiles, chunks: blocks) { _, block in
            let local = ThreadScratch.floats(perWorker)
            let products = local + tileScratch, temporary = products + productScratch
            let (t0, t1) = (Int32(block.lowerBound), Int32(block.upperBound))
            let (v, planeStride) = kept.map { ($0 + block.lowerBound * ci, tiles * ci) } ?? (local, block.count * ci)
            nk_winograd_input(inputShape, source, t0, t1, bt, v, planeStride, temporary)
            for xi in 0..<nn {
                nk_sgemm_packed(Int32(block.count), Int32(co), Int32(ci), v + xi * planeStride, Int32(ci),
                                u + xi * ci * co, nil, products + xi * block.count * co, Int32(co))
            }
            nk_winograd_output(outputShape, products, t0, t1, at, bias, target, temporary)
        }
    }

    /// M[ξ] = Σ_tiles (Bᵀ x B)[ξ]ᵀ (A dY Aᵀ)[ξ], block by block: both transforms of a block of tiles go to the
    /// worker's scratch and are multiplied while they are in cache, instead of going through memory layer-wide
    /// (for 24x24 images, tens of MB written by the forward and the backward and read back by the products).
    /// Each partition of the tiles adds into its own sums, which are then added in partition order.
    private func kernelGradientByBlocks(input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
                                        into sums: UnsafeMutablePointer<Float>) {
        let (tiles, nn, ci, co, plane) = (tileCount, n * n, inChannels, outChannels, inChannels * outChannels)
        guard tiles > 0 else { sums.update(repeating: 0, count: nn * plane); return }
        // No partition is left empty (5 tiles: 2 + 2 + 1).
        let perPartition = (tiles + Self.gradientPartitions - 1) / Self.gradientPartitions
        let partitions = (tiles + perPartition - 1) / perPartition
        let block = Self.tilesPerBlock(tileValues: nn * (ci + co))
        let perWorker = nn * block * (ci + co) + n * n * max(ci, co)
        partitionSums.reshape([partitions * nn * plane])
        let sumsBase = partitionSums.data
        var gradientShape = shape(channels: co)
        gradientShape.pad = 0
        let (inputShape, bt, a) = (shape(channels: ci), UnsafePointer(inputTransform.data),
                                   UnsafePointer(gradientTransform.data))
        let m = Int32(m)
        Compute.parallelChunks(partitions, chunks: partitions) { _, claimed in
            let x = ThreadScratch.floats(perWorker)
            let dy = x + nn * block * ci, temporary = dy + nn * block * co
            for partition in claimed {
                let partitionSums = sumsBase + partition * nn * plane
                let end = min(tiles, (partition + 1) * perPartition)
                for t0 in stride(from: partition * perPartition, to: end, by: block) {
                    let count = min(block, end - t0)
                    nk_winograd_input(inputShape, input, Int32(t0), Int32(t0 + count), bt, x, count * ci, temporary)
                    nk_winograd_tiles(gradientShape, m, a, outputGradient, Int32(t0), Int32(t0 + count), dy,
                                      count * co, temporary)
                    let beta: Float = t0 == partition * perPartition ? 0 : 1
                    for xi in 0..<nn {
                        Compute.gemmOnThisThread(transposeA: true, m: ci, n: co, k: count, a: x + xi * count * ci,
                                                 lda: ci, b: dy + xi * count * co, ldb: co, beta: beta,
                                                 c: partitionSums + xi * plane, ldc: co)
                    }
                }
            }
        }
        let total = nn * plane
        Compute.parallelChunks(total, minimumPerChunk: 1 << 14) { range in
            for e in range {
                var sum = sumsBase[e]
                for partition in 1..<max(1, partitions) { sum += sumsBase[partition * total + e] }
                sums[e] = sum
            }
        }
    }

    /// Tiles per block: about 1 MB of transformed tiles and products, 6 to 96 tiles (the kernel works 6 rows
    /// at a time): smaller blocks stream the transformed kernel from L3 more often, larger ones spill the block
    /// out of cache. `tileValues`: floats one tile occupies.
    static func tilesPerBlock(tileValues: Int) -> Int { max(6, min(96, (1 << 18) / max(1, tileValues))) }

    /// The tile geometry the C transforms take, for images of `channels` channels.
    private func shape(channels: Int) -> NKWinogradShape {
        NKWinogradShape(height: Int32(height), width: Int32(width), channels: Int32(channels), m: Int32(m), n: Int32(n),
                        pad: Int32(pad), tilesY: Int32(tilesY), tilesX: Int32(tilesX))
    }

    /// U[ξ] = (G g Gᵀ)[ξ] for every (row, column) pair of a kernel [r][r][rows][columns], each plane packed.
    private func transformKernel(_ kernel: UnsafePointer<Float>, rows: Int, columns: Int,
                                 into u: UnsafeMutablePointer<Float>, scratch: Tensor) {
        let plane = rows * columns
        scratch.reshape([n * n, plane])
        transform.g.withUnsafeBufferPointer { g in
            Self.sandwich(kernel, by: g.baseAddress!, rows: n, columns: r, transposed: false, plane: plane,
                          into: scratch.data)
        }
        let unpacked = UnsafePointer(scratch.data)
        Compute.parallelChunks(n * n, minimumPerChunk: 1) { planes in
            for xi in planes {
                nk_pack(Int32(rows), Int32(columns), unpacked + xi * plane, Int32(columns), u + xi * plane)
            }
        }
    }

    /// Ũ[ξ][t] = (A dY Aᵀ)[ξ] for the m×m output-gradient tile of every tile t, clipped to the image, by the C
    /// tile transform.
    private func transformGradientForKernel(_ gradient: UnsafePointer<Float>, into v: UnsafeMutablePointer<Float>) {
        let (n, m, tiles, c) = (n, m, tileCount, outChannels)
        var tileShape = shape(channels: c)
        tileShape.pad = 0
        let a = UnsafePointer(gradientTransform.data)
        Compute.parallelChunks(tiles, minimumPerChunk: 4) { range in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: n * m * c)
            defer { scratch.deallocate() }
            nk_winograd_tiles(tileShape, Int32(m), a, gradient, Int32(range.lowerBound), Int32(range.upperBound),
                              v + range.lowerBound * c, tiles * c, scratch)
        }
    }

    /// dW = Gᵀ M G for every (in, out) pair.
    private func untransformKernelGradient(_ mw: UnsafePointer<Float>, plane: Int, into dw: UnsafeMutablePointer<Float>) {
        transform.g.withUnsafeBufferPointer { g in
            Self.sandwich(mw, by: g.baseAddress!, rows: n, columns: r, transposed: true, plane: plane, into: dw)
        }
    }

    /// out = L x Lᵀ for every element of the plane, where x is a k×k grid of planes ([k][k][plane]) and L is
    /// the rows×columns matrix `matrix` (or its transpose, with `transposed`). The kernel transform (G g Gᵀ)
    /// and its adjoint for the kernel gradient (Gᵀ M G) are both this product, run by the C kernels.
    private static func sandwich(_ x: UnsafePointer<Float>, by matrix: UnsafePointer<Float>, rows: Int, columns: Int,
                                 transposed: Bool, plane: Int, into out: UnsafeMutablePointer<Float>) {
        let (outer, inner) = transposed ? (columns, rows) : (rows, columns)
        let l = (0..<outer).flatMap { i in
            (0..<inner).map { k in transposed ? matrix[k * columns + i] : matrix[i * columns + k] }
        }
        l.withUnsafeBufferPointer { l in
            let l = l.baseAddress!
            Compute.parallelChunks(plane, minimumPerChunk: 1024) { range in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: outer * inner * 256)
                defer { scratch.deallocate() }
                nk_winograd_sandwich(Int32(outer), Int32(inner), l, x + range.lowerBound, plane, range.count,
                                     out + range.lowerBound, scratch)
            }
        }
    }
}
