import Testing
@testable import NeuralNet

/// Training max pooling runs `nk_max_pool` (NeuralKernels/pool.c) at every level the CPU has: its output and
/// the gradient routed through its winners against direct loops, with ties (the first value in window order
/// wins), overlapping windows and channel counts on and off the vector widths.
@Suite struct MaxPoolKernelTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let height, width, channels, size, strides: Int
        var testDescription: String { "\(height)x\(width)x\(channels) window \(size) stride \(strides)" }
    }

    static let cases = [
        Case(height: 4, width: 6, channels: 1, size: 2, strides: 2),
        Case(height: 5, width: 5, channels: 17, size: 2, strides: 2),
        Case(height: 7, width: 6, channels: 33, size: 3, strides: 2),
        Case(height: 5, width: 4, channels: 8, size: 3, strides: 1),
        Case(height: 8, width: 8, channels: 64, size: 2, strides: 2),
    ]

    @Test(arguments: KernelLevel.allCases, cases)
    func matchesDirectLoops(level: KernelLevel, c: Case) throws {
        let layer = try TestTensors.layer(.maxPool(size: c.size, strides: c.strides), input: [c.height, c.width, c.channels])
        // Values from a handful of levels: many windows hold their maximum more than once.
        let x = TestTensors.random([2, c.height, c.width, c.channels], seed: 51, low: 0, high: 4)
        for i in 0..<x.count { x[i] = x[i].rounded(.down) }
        let (oh, ow) = ((c.height - c.size) / c.strides + 1, (c.width - c.size) / c.strides + 1)
        let dy = TestTensors.random([2, oh, ow, c.channels], seed: 52)
        let (y, dx) = try KernelLevels.run(at: level) { () -> ([Float], [Float]) in
            let y = layer.forward(x, training: true).array
            return (y, layer.backward(dy).array)
        }
        var expectedY = [Float](repeating: 0, count: dy.count), expectedDx = [Float](repeating: 0, count: x.count)
        func index(_ n: Int, _ row: Int, _ column: Int, _ ch: Int, _ width: Int, _ height: Int) -> Int {
            ((n * height + row) * width + column) * c.channels + ch
        }
        for n in 0..<2 {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for ch in 0..<c.channels {
                        var best = -Float.infinity, winner = -1
                        for ky in 0..<c.size {
                            for kx in 0..<c.size {
                                let i = index(n, oy * c.strides + ky, ox * c.strides + kx, ch, c.width, c.height)
                                if x[i] > best { (best, winner) = (x[i], i) }
                            }
                        }
                        let o = index(n, oy, ox, ch, ow, oh)
                        expectedY[o] = best
                        expectedDx[winner] += dy[o]
                    }
                }
            }
        }
        #expect(y == expectedY)
        #expect(dx == expectedDx)
    }
}
