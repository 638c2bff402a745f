import CBLAS
#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import NeuralKernels
import Synchronization

/// The two compute primitives everything else is built on: a matrix product and a parallel loop.
///
/// One pool of threads does all the parallel work. Products run by `nk_gemm` at the AVX-512 level, by
/// OpenBLAS below it; OpenBLAS runs single-threaded inside the pool, and a large
/// product is split across the pool here: OpenBLAS's own workers busy-wait (sched_yield) for a while after
/// each call, and on a 2-core machine they take the cores from the loops and small products that follow.
public enum Compute {
    /// Threads for the parallel loops and products; defaults to the core count.
    nonisolated(unsafe) public static var threads: Int = System.coreCount

    /// Done once, before the first product.
    private static let blasRunsSingleThreaded: Void = openblas_set_num_threads(1)

    /// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, row-major. Products of 2^18 multiply-adds and more
    /// are split into slabs of C's longer side, two per thread: from that size (one face through a Dense layer
    /// of 256, bound by reading its weights) two cores finish sooner despite the wake-up.
    public static func gemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                            alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = blasRunsSingleThreaded
        func product(_ rows: Range<Int>, _ columns: Range<Int>) {
            let aStart = transposeA ? rows.lowerBound : rows.lowerBound * lda
            let bStart = transposeB ? columns.lowerBound * ldb : columns.lowerBound
            gemmOnThisThread(transposeA: transposeA, transposeB: transposeB, m: rows.count, n: columns.count, k: k,
                             alpha: alpha, a: a + aStart, lda: lda, b: b + bStart, ldb: ldb, beta: beta,
                             c: c + rows.lowerBound * ldc + columns.lowerBound, ldc: ldc)
        }
        let ownProduct = usesOwnProduct
        // Two slabs per thread, so that a thread slowed by another process can leave its second one to the
        // others; more would repack the shared operand once per slab for little gain.
        let slabs = m * n * k < (1 << 18) ? 1 : min(2 * threads, max(m, n) / 16)
        if ownProduct && n >= 32 {
            // nk_gemm packs only B and reads A in place: slabs of columns (16 at a time, its panels) pack
            // disjoint parts of B, where slabs of rows would each pack all of it.
            let panels = (n + 15) / 16
            parallelChunks(panels, chunks: min(slabs, panels)) { _, share in
                product(0..<m, share.lowerBound * 16..<min(n, share.upperBound * 16))
            }
        } else if m >= n {
            parallelChunks(m, chunks: slabs) { _, rows in product(rows, 0..<n) }
        } else {
            parallelChunks(n, chunks: slabs) { _, columns in product(0..<m, columns) }
        }
    }

    /// With AVX-512 our own product (nk_gemm) ran 1.1-2x as fast as OpenBLAS's Haswell kernels on this
    /// network's products; with AVX2 the two were even, and OpenBLAS stays.
    private static var usesOwnProduct: Bool { KernelLevel.current == .avx512 }

    /// `gemm` on the calling thread alone, for callers that run many independent products in parallel
    /// themselves (one fork and join for all of them instead of one each).
    public static func gemmOnThisThread(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                                        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                                        b: UnsafePointer<Float>, ldb: Int,
                                        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = blasRunsSingleThreaded
        if usesOwnProduct {
            let status = nk_gemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha,
                                 a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
            precondition(status == 0, "Compute.gemm: out of memory for the product's blocks")
            return
        }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
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

    /// Runs `body(range)` over `count` items in chunks of at least `minimumPerChunk` (at most four per thread);
    /// runs inline when the work is too small to be worth a thread hop.
    @inline(__always)
    public static func parallelChunks(_ count: Int, minimumPerChunk: Int = 4096,
                                      _ body: (Range<Int>) -> Void) {
        parallelChunks(count, chunks: min(4 * threads, count / max(1, minimumPerChunk))) { _, range in body(range) }
    }

    /// Runs `body(worker, range)` over `count` items split into `chunks` contiguous ranges of equal size (at
    /// most ⌈count / chunks⌉ items each), which up to `threads` workers claim one at a time. On a shared
    /// machine one core is often slowed by another process: a worker that falls behind then takes fewer
    /// chunks instead of holding up the others, as it did when each thread had one fixed share. `worker`
    /// (0..<threads) lets each worker keep its own scratch memory.
    public static func parallelChunks(_ count: Int, chunks requested: Int,
                                      _ body: (_ worker: Int, _ range: Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(max(1, requested), count)
        let step = (count + chunks - 1) / chunks
        let workers = isSerialOnThisThread ? 1 : min(threads, chunks)
        if workers <= 1 {
            for start in stride(from: 0, to: count, by: step) { body(0, start..<min(count, start + step)) }
            return
        }
        let next = Atomic<Int>(0)
        // The workers run the kernels at this thread's level (a test may have lowered it), not their own, and
        // report the levels they ran back to this thread.
        let level = nk_thread_max_level()
        let levelsRun = Atomic<UInt32>(0)
        // The chunks touch disjoint ranges of raw buffers, which Swift cannot prove: vouch for it here, once.
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let (ownLevel, ownLevelsRun) = (nk_thread_max_level(), nk_levels_run_on_this_thread())
                nk_set_thread_max_level(level)
                nk_reset_levels_run_on_this_thread()
                defer {
                    levelsRun.bitwiseOr(nk_levels_run_on_this_thread(), ordering: .relaxed)
                    nk_set_thread_max_level(ownLevel)
                    nk_reset_levels_run_on_this_thread()
                    nk_add_levels_run_on_this_thread(ownLevelsRun)
                }
                while true {
                    let start = next.add(step, ordering: .relaxed).oldValue
                    if start >= count { break }
                    work.value(worker, start..<min(count, start + step))
                }
            }
        }
        nk_add_levels_run_on_this_thread(levelsRun.load(ordering: .relaxed))
    }
}

extension Compute {
    /// Runs `body(task)` for tasks 0..<count, each task whole on one worker, claimed one at a time. Inside a
    /// task every parallel loop and product runs on its own thread alone: for independent pieces of work too
    /// small to split well (an ensemble's members on one face), one core each beats both cores on each.
    public static func parallelTasks(_ count: Int, _ body: (_ task: Int) -> Void) {
        parallelChunks(count, chunks: count) { _, tasks in
            serially { for task in tasks { body(task) } }
        }
    }

    /// Runs `body` with every parallel loop and product inside it on this thread alone: for work that must
    /// leave the other cores to more urgent threads (the why view's maps beside the live classifier).
    public static func serially<T>(_ body: () throws -> T) rethrows -> T {
        let wasSerial = isSerialOnThisThread
        setSerialOnThisThread(true)
        defer { setSerialOnThisThread(wasSerial) }
        return try body()
    }

    /// Whether this thread runs a task of `parallelTasks`, so that its loops stay on it.
    static var isSerialOnThisThread: Bool { pthread_getspecific(serialKey) != nil }

    private static func setSerialOnThisThread(_ serial: Bool) {
        pthread_setspecific(serialKey, serial ? UnsafeRawPointer(bitPattern: 1) : nil)
    }

    private static let serialKey: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key, nil)
        precondition(status == 0, "Compute: pthread_key_create failed (\(status))")
        return key
    }()
}

/// Carries a value across threads where the caller guarantees the accesses do not race.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
