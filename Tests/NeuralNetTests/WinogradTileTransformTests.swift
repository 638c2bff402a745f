import NeuralKernels
import Testing
@testable import NeuralNet

/// Winograd's tile transforms in every form the CPU has (AVX-512 takes its unrolled 6×6 forms for n = 6)
/// against Double loops, over edge shapes: 1 channel, channel counts off the 16 lanes, 1-wide and odd images
/// whose last tiles stick out, and batches of two images.
@Suite("Winograd tile transforms")
struct WinogradTileTransformTests {
    /// (m, r, height, width, channels)
    static let shapes: [(Int, Int, Int, Int, Int)] = [
        (4, 3, 7, 5, 17), (4, 3, 1, 9, 1), (4, 3, 8, 8, 32), (4, 3, 5, 1, 33), (2, 5, 6, 7, 16), (2, 5, 3, 3, 5),
        (3, 4, 7, 7, 20), (2, 3, 5, 6, 19),
    ]

    static func shape(_ s: (Int, Int, Int, Int, Int), pad: Int) -> NKWinogradShape {
        let (m, r, h, w, c) = s
        return NKWinogradShape(height: Int32(h), width: Int32(w), channels: Int32(c), m: Int32(m), n: Int32(m + r - 1),
                               pad: Int32(pad), tilesY: Int32((h + m - 1) / m), tilesX: Int32((w + m - 1) / m))
    }

    /// The input transform (window n, L = Bᵀ, `same` padding) and the kernel gradient's transform of dY
    /// (window m, L = A, no padding): V[ξ][t] = (L d Lᵀ)[ξ].
    @Test(arguments: KernelLevel.allCases, [false, true])
    func tilesMatchDoubleLoops(level: KernelLevel, gradientWindow: Bool) throws {
        for s in Self.shapes {
            let (m, r, h, w, c) = s
            let t = WinogradTransform(m: m, r: r), n = t.n, batch = 2
            let window = gradientWindow ? m : n, pad = gradientWindow ? 0 : (r - 1) / 2
            let l = gradientWindow ? (0..<n).flatMap { i in (0..<m).map { j in t.at[j * n + i] } } : t.bt
            let geometry = Self.shape(s, pad: pad)
            let tiles = batch * Int(geometry.tilesY * geometry.tilesX)
            let x = TestTensors.random([batch, h, w, c], seed: UInt64(h * 100 + w * 10 + c)).array
            var v = [Float](repeating: .nan, count: n * n * tiles * c)
            var scratch = [Float](repeating: 0, count: n * max(n, window) * c)
            try KernelLevels.run(at: level) {
                nk_winograd_tiles(geometry, Int32(window), l, x, 0, Int32(tiles), &v, tiles * c, &scratch)
            }
            var worst = 0.0
            for tile in 0..<tiles {
                let tx = tile % Int(geometry.tilesX), ty = (tile / Int(geometry.tilesX)) % Int(geometry.tilesY)
                let image = tile / Int(geometry.tilesX * geometry.tilesY)
                for channel in 0..<c {
                    func d(_ a: Int, _ b: Int) -> Double {
                        let (y, xx) = (ty * m - pad + a, tx * m - pad + b)
                        guard y >= 0, y < h, xx >= 0, xx < w else { return 0 }
                        return Double(x[((image * h + y) * w + xx) * c + channel])
                    }
                    for i in 0..<n {
                        for j in 0..<n {
                            var sum = 0.0, magnitude = 0.0
                            for a in 0..<window {
                                for b in 0..<window {
                                    let term = Double(l[i * window + a]) * d(a, b) * Double(l[j * window + b])
                                    sum += term
                                    magnitude += abs(term)
                                }
                            }
                            let got = Double(v[(i * n + j) * tiles * c + tile * c + channel])
                            worst = max(worst, abs(got - sum) / max(magnitude, 1e-6))
                        }
                    }
                }
            }
            #expect(worst < 1e-6, "F(\(m), \(r)) \(h)x\(w)x\(c), window \(window): relative error \(worst)")
        }
    }

    /// The output transform: Y = Aᵀ M A + bias per tile, clipped to the image.
    @Test(arguments: KernelLevel.allCases, [false, true])
    func outputMatchesDoubleLoops(level: KernelLevel, withBias: Bool) throws {
        for s in Self.shapes {
            let (m, r, h, w, c) = s
            let t = WinogradTransform(m: m, r: r), n = t.n, batch = 2
            let geometry = Self.shape(s, pad: 0)
            let tiles = batch * Int(geometry.tilesY * geometry.tilesX)
            let products = TestTensors.random([n * n, tiles, c], seed: UInt64(7 + c)).array
            let bias = withBias ? TestTensors.random([c], seed: 3).array : nil
            var y = [Float](repeating: .nan, count: batch * h * w * c)
            var scratch = [Float](repeating: 0, count: m * n * c)
            try KernelLevels.run(at: level) {
                nk_winograd_output(geometry, products, 0, Int32(tiles), t.at, bias, &y, &scratch)
            }
            var worst = 0.0
            for tile in 0..<tiles {
                let tx = tile % Int(geometry.tilesX), ty = (tile / Int(geometry.tilesX)) % Int(geometry.tilesY)
                let image = tile / Int(geometry.tilesX * geometry.tilesY)
                for i in 0..<m where ty * m + i < h {
                    for j in 0..<m where tx * m + j < w {
                        for channel in 0..<c {
                            var sum = Double(bias?[channel] ?? 0), magnitude = abs(sum)
                            for a in 0..<n {
                                for b in 0..<n {
                                    let term = Double(t.at[i * n + a]) * Double(products[(a * n + b) * tiles * c + tile * c + channel])
                                        * Double(t.at[j * n + b])
                                    sum += term
                                    magnitude += abs(term)
                                }
                            }
                            let got = Double(y[((image * h + ty * m + i) * w + tx * m + j) * c + channel])
                            worst = max(worst, abs(got - sum) / max(magnitude, 1e-6))
                        }
                    }
                }
            }
            #expect(worst < 1e-6, "F(\(m), \(r)) \(h)x\(w)x\(c) output: relative error \(worst)")
            #expect(!y.contains { $0.isNaN }, "F(\(m), \(r)) \(h)x\(w)x\(c): every output pixel is written")
        }
    }
}
