import CBLAS
import Dispatch

/// The two compute primitives everything else is built on: a BLAS matrix product and a parallel loop.
public enum Compute {
    /// Sets OpenBLAS's thread count. Deliberate, because OpenBLAS and OpenCV each default to all cores and
    /// oversubscribe a small machine.
    public static func setBLASThreads(_ count: Int) { openblas_set_num_threads(Int32(max(1, count))) }

    public static var blasThreads: Int { Int(openblas_get_num_threads()) }

    /// Threads for the element-wise loops (im2col, BatchNorm, pooling); defaults to the core count.
    nonisolated(unsafe) public static var loopThreads: Int = System.coreCount

    /// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, row-major.
    @inline(__always)
    public static func gemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                            alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
                    beta, c, blasint(ldc))
    }

    /// `destination[r][c] = source[c][r] + bias[c]` for a row-major `columns` x `rows` source: turns a product
    /// computed transposed back into rows of channels (NHWC). Goes by 32x32 blocks so that the strided side
    /// stays in L1.
    public static func transpose(_ source: UnsafePointer<Float>, rows: Int, columns: Int,
                                 addingToEachRow bias: UnsafePointer<Float>?,
                                 into destination: UnsafeMutablePointer<Float>) {
        let block = 32
        parallelChunks((rows + block - 1) / block, minimumPerChunk: 16) { blocks in
            for rowBlock in blocks {
                let r0 = rowBlock * block, r1 = min(r0 + block, rows)
                for c0 in stride(from: 0, to: columns, by: block) {
                    let c1 = min(c0 + block, columns)
                    for r in r0..<r1 {
                        let out = destination + r * columns
                        if let bias {
                            for c in c0..<c1 { out[c] = source[c * rows + r] + bias[c] }
                        } else {
                            for c in c0..<c1 { out[c] = source[c * rows + r] }
                        }
                    }
                }
            }
        }
    }

    /// Runs `body(range)` over `count` items split into at most `loopThreads` contiguous chunks; runs inline
    /// when the work is too small to be worth a thread hop.
    @inline(__always)
    public static func parallelChunks(_ count: Int, minimumPerChunk: Int = 4096,
                                      _ body: (Range<Int>) -> Void) {
        let chunks = min(loopThreads, max(1, count / max(1, minimumPerChunk)))
        if chunks <= 1 { body(0..<count); return }
        let step = (count + chunks - 1) / chunks
        // The chunks touch disjoint ranges of raw buffers, which Swift cannot prove: vouch for it here, once.
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { index in
                let start = index * step
                let end = min(count, start + step)
                if start < end { work.value(start..<end) }
            }
        }
    }
}

/// Carries a value across threads where the caller guarantees the accesses do not race.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
