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
