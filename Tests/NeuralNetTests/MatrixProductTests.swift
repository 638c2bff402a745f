import NeuralKernels
import Testing
@testable import NeuralNet

/// The two matrix products everything runs on, against plain Double loops: the hand-written kernel for small
/// products (its AVX-512, AVX2 and portable forms, each where the CPU has it) and Compute.gemm, which splits
/// large ones across threads around single-threaded OpenBLAS.
@Suite("Matrix products")
struct MatrixProductTests {
    /// C = op(A)·op(B) (+ bias) in Double, row-major with leading dimensions.
    static func reference(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                          a: [Float], lda: Int, b: [Float], ldb: Int, bias: [Float]? = nil) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = bias.map { Double($0[j]) } ?? 0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(x) * Double(y)
                }
                c[i * n + j] = sum
            }
        }
        return c
    }

    static func random(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in generator.uniform(-1, 1) }
    }

    /// Rows around the 6- and 12-row blocks, columns around the 32-, 16- and 8-column blocks and 1 wide, inner
    /// sizes from 0 to a Winograd layer's, empty products; every operand inside a larger array (leading
    /// dimension > width), with bias and without.
    @Test(arguments: KernelLevel.allCases, [(1, 1, 1), (5, 7, 3), (6, 16, 9), (7, 17, 64), (9, 24, 33), (13, 40, 5),
                                            (12, 8, 128), (18, 15, 2), (96, 64, 64), (25, 61, 17), (12, 32, 7), (11, 1, 6),
                                            (3, 47, 1), (4, 9, 0), (0, 5, 3), (6, 0, 3)])
    func kernelMatchesDirectLoops(level: KernelLevel, shape: (rows: Int, columns: Int, inner: Int)) throws {
        let (rows, columns, inner) = shape
        try KernelLevels.run(at: level) {
            let (lda, ldb, ldc) = (inner + 3, columns + 5, columns + 2)
            let a = Self.random(rows * lda, seed: 1), b = Self.random(inner * ldb, seed: 2), bias = Self.random(columns, seed: 3)
            for withBias in [false, true] {
                let sentinel: Float = 12345
                var c = [Float](repeating: sentinel, count: rows * ldc)
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        bias.withUnsafeBufferPointer { bias in
                            nk_sgemm(Int32(rows), Int32(columns), Int32(inner), a.baseAddress, Int32(lda), b.baseAddress,
                                     Int32(ldb), withBias ? bias.baseAddress : nil, &c, Int32(ldc))
                        }
                    }
                }
                let expected = Self.reference(m: rows, n: columns, k: inner, a: a, lda: lda, b: b, ldb: ldb,
                                              bias: withBias ? bias : nil)
                var worst = 0.0
                for i in 0..<rows {
                    for j in 0..<columns { worst = max(worst, abs(Double(c[i * ldc + j]) - expected[i * columns + j])) }
                    // Past each row's columns, C is left alone.
                    for j in columns..<ldc { #expect(c[i * ldc + j] == sentinel, "row \(i) column \(j) was written") }
                }
                #expect(worst < 1e-5 * Double(max(1, inner)), "\(level), bias \(withBias): max error \(worst)")
            }
        }
    }

    /// B packed in column panels (16, then 8, then the rest) gives the same products, overwriting (with and
    /// without bias) and accumulating, over the whole packing and over the columns from a 16-column boundary on.
    @Test(arguments: KernelLevel.allCases, [(6, 16, 9), (7, 37, 64), (13, 29, 5), (4, 128, 512), (1, 3, 2), (18, 24, 33),
                                            (25, 61, 7), (13, 45, 16), (12, 1, 4), (5, 8, 0), (0, 16, 3)])
    func packedKernelMatchesDirectLoops(level: KernelLevel, shape: (rows: Int, columns: Int, inner: Int)) throws {
        let (rows, columns, inner) = shape
        try KernelLevels.run(at: level) {
            let (lda, ldb, ldc) = (inner + 2, columns + 3, columns + 1)
            let a = Self.random(rows * lda, seed: 11), b = Self.random(inner * ldb, seed: 12)
            let bias = Self.random(columns, seed: 13), initial = Self.random(rows * ldc, seed: 14)
            var packed = [Float](repeating: .nan, count: inner * columns)
            nk_pack(Int32(inner), Int32(columns), b, Int32(ldb), &packed)
            #expect(!packed.contains { $0.isNaN }, "packing left gaps")
            let product = Self.reference(m: rows, n: columns, k: inner, a: a, lda: lda, b: b, ldb: ldb)
            for first in Set([0, columns >= 32 ? 16 : 0]) {
                for mode in ["overwrite", "bias", "add"] {
                    var c = initial
                    packed.withUnsafeBufferPointer { p in
                        let panels = p.baseAddress! + first * inner, width = Int32(columns - first)
                        c.withUnsafeMutableBufferPointer { c in
                            let out = c.baseAddress! + first
                            switch mode {
                            case "add": nk_sgemm_packed_add(Int32(rows), width, Int32(inner), a, Int32(lda), panels, out, Int32(ldc))
                            default:
                                bias.withUnsafeBufferPointer { bias in
                                    nk_sgemm_packed(Int32(rows), width, Int32(inner), a, Int32(lda), panels,
                                                    mode == "bias" ? bias.baseAddress! + first : nil, out, Int32(ldc))
                                }
                            }
                        }
                    }
                    var worst = 0.0
                    for i in 0..<rows {
                        for j in 0..<ldc {
                            let old = Double(initial[i * ldc + j])
                            guard j >= first && j < columns else {
                                #expect(c[i * ldc + j] == initial[i * ldc + j], "\(mode): row \(i) column \(j) was written")
                                continue
                            }
                            let expected = product[i * columns + j] + (mode == "add" ? old : mode == "bias" ? Double(bias[j]) : 0)
                            worst = max(worst, abs(Double(c[i * ldc + j]) - expected))
                        }
                    }
                    #expect(worst < 1e-5 * Double(max(1, inner)), "\(level), \(mode) from column \(first): max error \(worst)")
                }
            }
        }
    }

    /// The accumulating form adds the product to what C holds, and leaves the rest of C alone.
    @Test(arguments: KernelLevel.allCases, [(4, 64, 512), (6, 16, 128), (36, 40, 16), (11, 9, 7), (13, 33, 3)])
    func accumulatingKernelAddsToC(level: KernelLevel, shape: (rows: Int, columns: Int, inner: Int)) throws {
        let (rows, columns, inner) = shape
        try KernelLevels.run(at: level) {
            let (lda, ldb, ldc) = (inner + 1, columns + 3, columns + 4)
            let a = Self.random(rows * lda, seed: 7), b = Self.random(inner * ldb, seed: 8)
            let initial = Self.random(rows * ldc, seed: 9)
            var c = initial
            nk_sgemm_add(Int32(rows), Int32(columns), Int32(inner), a, Int32(lda), b, Int32(ldb), &c, Int32(ldc))
            let product = Self.reference(m: rows, n: columns, k: inner, a: a, lda: lda, b: b, ldb: ldb)
            var worst = 0.0
            for i in 0..<rows {
                for j in 0..<columns {
                    worst = max(worst, abs(Double(c[i * ldc + j]) - (product[i * columns + j] + Double(initial[i * ldc + j]))))
                }
                for j in columns..<ldc { #expect(c[i * ldc + j] == initial[i * ldc + j]) }
            }
            #expect(worst < 1e-5 * Double(inner), "\(level): max error \(worst)")
        }
    }

    /// The large product (BLAS's sgemm) at every level, for every transpose, over the edges of its blocks
    /// (256 of the inner dimension, 192 rows, 1024 columns) and empty ones, with alpha and beta of 1 and not;
    /// up to 12 rows it reads B in place (one face through a Dense layer).
    @Test(arguments: KernelLevel.allCases, [(13, 37, 300), (200, 20, 5), (1, 1, 1), (3, 1030, 2), (17, 33, 513),
                                            (0, 5, 3), (5, 0, 3), (4, 5, 0), (1, 256, 2304), (12, 47, 300)])
    func largeProductMatchesDirectLoops(level: KernelLevel, shape: (m: Int, n: Int, k: Int)) throws {
        let (m, n, k) = shape
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            for (alpha, beta) in [(Float(1), Float(0)), (1, 1), (0.5, 2)] {
                let lda = (transposeA ? m : k) + 1, ldb = (transposeB ? k : n) + 2, ldc = n + 3
                let a = Self.random((transposeA ? k : m) * lda, seed: 4), b = Self.random((transposeB ? n : k) * ldb, seed: 5)
                let initial = Self.random(m * ldc, seed: 6)
                var c = initial
                let status = try KernelLevels.run(at: level) {
                    nk_gemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda),
                            b, Int32(ldb), beta, &c, Int32(ldc))
                }
                #expect(status == 0)
                let product = Self.reference(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a,
                                             lda: lda, b: b, ldb: ldb)
                var worst = 0.0
                for i in 0..<m {
                    for j in 0..<n {
                        let expected = Double(alpha) * product[i * n + j] + Double(beta) * Double(initial[i * ldc + j])
                        worst = max(worst, abs(Double(c[i * ldc + j]) - expected))
                    }
                    for j in n..<ldc { #expect(c[i * ldc + j] == initial[i * ldc + j]) }
                }
                #expect(worst < 1e-5 * Double(max(1, k)), "\(level) A\(transposeA ? "ᵀ" : "")B\(transposeB ? "ᵀ" : ""), alpha \(alpha), beta \(beta): max error \(worst)")
            }
        }
    }

    /// Big enough to be split across threads, by rows (m ≥ n, or nk_gemm with fewer than 32 columns) and by
    /// columns, for every transpose and with beta adding to what C holds; at every level (AVX-512 by nk_gemm,
    /// below it by OpenBLAS).
    @Test(arguments: KernelLevel.allCases, [(130, 70, 120), (40, 300, 100), (600, 20, 100)])
    func splitProductMatchesDirectLoops(level: KernelLevel, shape: (m: Int, n: Int, k: Int)) throws {
        let (m, n, k) = shape
        guard level <= KernelLevel.cpu else { try Test.cancel("this CPU has no \(level)") }
        KernelLevel.resetLevelsRunOnThisThread()
        defer { #expect(KernelLevel.levelsRunOnThisThread == (level == .avx512 ? [.avx512] : [])) }
        #expect(m * n * k >= 1 << 20, "the shape must be large enough for Compute.gemm to split it")
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let lda = (transposeA ? m : k) + 1, ldb = (transposeB ? k : n) + 2, ldc = n + 3
            let a = Self.random((transposeA ? k : m) * lda, seed: 4), b = Self.random((transposeB ? n : k) * ldb, seed: 5)
            let initial = Self.random(m * ldc, seed: 6)
            var c = initial
            KernelLevel.withMaximum(level) {
                a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    Compute.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5,
                                 a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb, beta: 2, c: &c, ldc: ldc)
                }
                }
            }
            let product = Self.reference(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a,
                                         lda: lda, b: b, ldb: ldb)
            var worst = 0.0
            for i in 0..<m {
                for j in 0..<n {
                    let expected = 0.5 * product[i * n + j] + 2 * Double(initial[i * ldc + j])
                    worst = max(worst, abs(Double(c[i * ldc + j]) - expected))
                }
                for j in n..<ldc { #expect(c[i * ldc + j] == initial[i * ldc + j]) }
            }
            #expect(worst < 1e-4, "transposeA \(transposeA), transposeB \(transposeB): max error \(worst)")
        }
    }
}
