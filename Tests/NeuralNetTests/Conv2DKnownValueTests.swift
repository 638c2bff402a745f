import NeuralNet
import Testing

/// Conv2D against outputs worked out by hand. The input is the 4x4 (or 5x5) image holding 1, 2, 3, ... in
/// row-major order; Conv2D is a cross-correlation (no kernel flip), kernels are [kh, kw, in, out].
@Suite struct Conv2DKnownValueTests {
    /// One sample, one channel, values 1...h·w row by row.
    static func ramp(_ h: Int, _ w: Int) -> Tensor {
        Tensor(shape: [1, h, w, 1], values: (1...(h * w)).map(Float.init))
    }

    static func conv(_ input: [Int], filters: Int = 1, kernel: [Int], strides: Int = 1, padding: LayerSpec.Padding,
                     weights: [Float], bias: [Float]? = nil) throws -> any Layer {
        let layer = try TestTensors.layer(.conv2D(filters: filters, kernel: kernel, strides: strides,
                                                  padding: padding, useBias: bias != nil), input: input)
        let kernel = TestTensors.parameter(layer, "kernel").value
        #expect(kernel.count == weights.count)
        for i in 0..<weights.count { kernel[i] = weights[i] }
        if let bias { for i in 0..<bias.count { TestTensors.parameter(layer, "bias").value[i] = bias[i] } }
        return layer
    }

    static let ones3x3 = [Float](repeating: 1, count: 9)

    @Test func sumOfNeighboursSamePadding() throws {
        // 3x3 all-ones kernel, bias 0.5: each output is the sum of the pixel's 3x3 neighbourhood
        // (zero outside the image), e.g. corner 1+2+5+6 = 14, centre 1+2+3+5+6+7+9+10+11 = 54.
        let layer = try Self.conv([4, 4, 1], kernel: [3, 3], padding: .same, weights: Self.ones3x3, bias: [0.5])
        let output = layer(Self.ramp(4, 4))
        #expect(output.shape == [1, 4, 4, 1])
        let expected: [Float] = [14, 24, 30, 22,
                                 33, 54, 63, 45,
                                 57, 90, 99, 69,
                                 46, 72, 78, 54].map { $0 + 0.5 }
        #expect(output.array == expected)
    }

    @Test func sumOfNeighboursValidPadding() throws {
        let layer = try Self.conv([4, 4, 1], kernel: [3, 3], padding: .valid, weights: Self.ones3x3)
        let output = layer(Self.ramp(4, 4))
        #expect(output.shape == [1, 2, 2, 1])
        #expect(output.array == [54, 63, 90, 99])
    }

    @Test func strideTwoSamePaddingOnAnEvenSizePadsBottomRight() throws {
        // 4x4, k3, s2: output 2x2, total padding (2−1)·2 + 3 − 4 = 1, all of it at the bottom/right (TF).
        // Windows cover rows/cols {0,1,2} and {2,3,pad}: 1+2+3+5+6+7+9+10+11 = 54, 3+4+7+8+11+12 = 45,
        // 9+10+11+13+14+15 = 72, 11+12+15+16 = 54. (Padding at the top/left would give 14, 30, 57, 99.)
        let layer = try Self.conv([4, 4, 1], kernel: [3, 3], strides: 2, padding: .same, weights: Self.ones3x3)
        let output = layer(Self.ramp(4, 4))
        #expect(output.shape == [1, 2, 2, 1])
        #expect(output.array == [54, 45, 72, 54])
    }

    @Test func strideTwoSamePaddingOnAnOddSizeIsSymmetric() throws {
        // 5x5, k3, s2: output 3x3, total padding 2·2 + 3 − 5 = 2, one each side: windows centred on the
        // even pixels. A 3x3 sum of the ramp is 9x its centre; at the edges fewer pixels count.
        let layer = try Self.conv([5, 5, 1], kernel: [3, 3], strides: 2, padding: .same, weights: Self.ones3x3)
        let output = layer(Self.ramp(5, 5))
        #expect(output.shape == [1, 3, 3, 1])
        // Row 0 (pixel rows 0-1): cols {0,1}: 1+2+6+7 = 16; {1,2,3}: 2+3+4+7+8+9 = 33; {3,4}: 4+5+9+10 = 28.
        // Row 1 (rows 1-3): 6+7+11+12+16+17 = 69; 9·13 = 117; 9+10+14+15+19+20 = 87.
        // Row 2 (rows 3-4): 16+17+21+22 = 76; 17+18+19+22+23+24 = 123; 19+20+24+25 = 88.
        #expect(output.array == [16, 33, 28, 69, 117, 87, 76, 123, 88])
    }

    @Test func strideTwoValidPadding() throws {
        // 5x5, k3, s2, valid: windows centred on (1,1), (1,3), (3,1), (3,3): 9·7, 9·9, 9·17, 9·19.
        let layer = try Self.conv([5, 5, 1], kernel: [3, 3], strides: 2, padding: .valid, weights: Self.ones3x3,
                                  bias: [-1])
        let output = layer(Self.ramp(5, 5))
        #expect(output.shape == [1, 2, 2, 1])
        #expect(output.array == [62, 80, 152, 170])
    }

    @Test func topLeftTapShiftsTheImageDownRight() throws {
        // Only kernel[0, 0] = 1: output(y, x) = input(y − 1, x − 1), zero on the first row and column.
        // A flipped kernel (true convolution) would shift the other way.
        var weights = [Float](repeating: 0, count: 9)
        weights[0] = 1
        let layer = try Self.conv([4, 4, 1], kernel: [3, 3], padding: .same, weights: weights)
        #expect(layer(Self.ramp(4, 4)).array == [0, 0, 0, 0,
                                                  0, 1, 2, 3,
                                                  0, 5, 6, 7,
                                                  0, 9, 10, 11])
    }

    @Test func evenKernelSamePaddingGoesBottomRight() throws {
        // 2x2 kernel, same, stride 1: total padding 1 = 0 top/left + 1 bottom/right. With only the
        // bottom-right tap set, output(y, x) = input(y + 1, x + 1), zero on the last row and column.
        let layer = try Self.conv([4, 4, 1], kernel: [2, 2], padding: .same, weights: [0, 0, 0, 1])
        #expect(layer(Self.ramp(4, 4)).array == [6, 7, 8, 0,
                                                  10, 11, 12, 0,
                                                  14, 15, 16, 0,
                                                  0, 0, 0, 0])
        // With only the top-left tap it is the identity.
        let identity = try Self.conv([4, 4, 1], kernel: [2, 2], padding: .same, weights: [1, 0, 0, 0])
        #expect(identity(Self.ramp(4, 4)).array == Self.ramp(4, 4).array)
    }

    @Test func pointwiseMixesChannelsByTheKernelMatrix() throws {
        // 1x1 kernel [1, 1, in 2, out 2] = [[1, −1], [0.5, 2]]: f0 = x0 + 0.5·x1, f1 = −x0 + 2·x1.
        let layer = try Self.conv([2, 2, 2], filters: 2, kernel: [1, 1], padding: .same, weights: [1, -1, 0.5, 2],
                                  bias: [0, 100])
        let input = Tensor(shape: [1, 2, 2, 2], values: [1, 10, 2, 20, 3, 30, 4, 40])
        #expect(layer(input).array == [6, 119, 12, 138, 18, 157, 24, 176])
    }

    @Test func kernelLayoutIsHeightWidthInOut() throws {
        // 2x2 kernel over a 2x2 two-channel image (valid → one pixel), two filters. Filter 0 reads only
        // channel 1 at tap (0, 1); filter 1 reads channel 0 at tap (1, 0) times 10.
        // Index of kernel[ky, kx, c, f] = ((ky·2 + kx)·2 + c)·2 + f.
        var weights = [Float](repeating: 0, count: 16)
        weights[((0 * 2 + 1) * 2 + 1) * 2 + 0] = 1
        weights[((1 * 2 + 0) * 2 + 0) * 2 + 1] = 10
        let layer = try Self.conv([2, 2, 2], filters: 2, kernel: [2, 2], padding: .valid, weights: weights)
        // Pixels (y, x) → (channel 0, channel 1): (0,0) → (1, 2), (0,1) → (3, 4), (1,0) → (5, 6), (1,1) → (7, 8).
        let input = Tensor(shape: [1, 2, 2, 2], values: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(layer(input).array == [4, 50])
    }

    @Test func batchOfTwoIsTwoIndependentSamples() throws {
        let layer = try Self.conv([4, 4, 1], kernel: [3, 3], padding: .same, weights: Self.ones3x3)
        let pair = Tensor(shape: [2, 4, 4, 1], values: Self.ramp(4, 4).array + Self.ramp(4, 4).array.map { -$0 })
        let output = layer(pair).array
        #expect(Array(output[0..<16]) == Array(output[16..<32]).map { -$0 })
        #expect(output[5] == 54)
    }
}
