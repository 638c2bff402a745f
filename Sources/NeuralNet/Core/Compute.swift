import CBLAS
import Dispatch

/// The two compute primitives everything else is built on: a matrix product and a parallel loop.
///
/// One pool of threads does all the parallel work. OpenBLAS runs single-threaded inside it, and a large
/// product is split across the pool here: OpenBLAS's own workers busy-wait (sched_yield) for a while after
/// each call, and on a 2-core machine they took the cores from the loops and small products that follow
/// (one face went from 5.0 to 6.7 ms with them).
public enum Compute {
    /// Threads for the parallel loops and products; defaults to the core count.
    nonisolated(unsafe) public static var threads: Int = System.coreCount

    /// Done once, before the first product.
    private static let blasRunsSingleThreaded: Void = openblas_set_num_threads(1)

    /// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, row-major. Products of more than about a million
    /// multiply-adds are split into slabs of C's longer side, one per thread.
    public static func gemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                            alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = blasRunsSingleThreaded
        func product(_ rows: Range<Int>, _ columns: Range<Int>) {
            let aStart = transposeA ? rows.lowerBound : rows.lowerBound * lda
            let bStart = transposeB ? columns.lowerBound * ldb : columns.lowerBound
            cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        blasint(rows.count), blasint(columns.count), blasint(k), alpha, a + aStart, blasint(lda),
                        b + bStart, blasint(ldb), beta, c + rows.lowerBound * ldc + columns.lowerBound, blasint(ldc))
        }
        let slabs = m * n * k < (1 << 20) ? 1 : max(m, n) / 16
        if m >= n {
            parallelChunks(m, chunks: slabs) { _, rows in product(rows, 0..<n) }
        } else {
            parallelChunks(n, chunks: slabs) { _, columns in product(0..<m, columns) }
        }
    }

    /// OpenBLAS's own threaded `cblas_sgemm` on square matrices, the reference figure benchmarks print.
    public static func referenceGemm(size n: Int, threads: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                                     c: UnsafeMutablePointer<Float>) {
        _ = blasRunsSingleThreaded
        openblas_set_num_threads(Int32(threads))
        defer { openblas_set_num_threads(1) }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(n), blasint(n), blasint(n), 1, a, blasint(n),
                    b, blasint(n), 0, c, blasint(n))
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

    /// Runs `body(range)` over `count` items split into at most `threads` contiguous chunks; runs inline
    /// when the work is too small to be worth a thread hop.
    @inline(__always)
    public static func parallelChunks(_ count: Int, minimumPerChunk: Int = 4096,
                                      _ body: (Range<Int>) -> Void) {
        parallelChunks(count, chunks: count / max(1, minimumPerChunk)) { _, range in body(range) }
    }

    /// Runs `body(chunk, range)` over `count` items split into at most `min(chunks, threads)` contiguous
    /// chunks, numbered from 0 so that each can use its own scratch memory.
    public static func parallelChunks(_ count: Int, chunks requested: Int,
                                      _ body: (_ chunk: Int, _ range: Range<Int>) -> Void) {
        let chunks = min(threads, max(1, requested), max(1, count))
        if chunks <= 1 { body(0, 0..<count); return }
        let step = (count + chunks - 1) / chunks
        // The chunks touch disjoint ranges of raw buffers, which Swift cannot prove: vouch for it here, once.
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { index in
                let start = index * step
                let end = min(count, start + step)
                if start < end { work.value(index, start..<end) }
            }
        }
    }
}

/// Carries a value across threads where the caller guarantees the accesses do not race.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
