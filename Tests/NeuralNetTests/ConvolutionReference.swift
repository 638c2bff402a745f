import NeuralNet

/// A convolution and its gradients in Double, by loops over the definition (TensorFlow's `same` padding):
/// y = bias + Σ x · kernel over the in-image taps, dX = Σ dY · kernel, dKernel = Σ dY · x, dBias = Σ dY.
struct ConvolutionReference {
    typealias Shape = ReferenceImplementationTests.Shape
    var y: [Double], dx: [Double], dKernel: [Double], dBias: [Double]

    /// `dy` may be nil (forward only); `bias` nil means zero.
    init(_ s: Shape, x: Tensor, kernel: Tensor, bias: Tensor?, dy: Tensor?) {
        let (oh, top) = ReferenceImplementationTests.geometry(s.height, s.kh, s.strides, s.padding)
        let (ow, left) = ReferenceImplementationTests.geometry(s.width, s.kw, s.strides, s.padding)
        y = [Double](repeating: 0, count: s.batch * oh * ow * s.filters)
        dx = [Double](repeating: 0, count: x.count)
        dKernel = [Double](repeating: 0, count: kernel.count)
        dBias = [Double](repeating: 0, count: s.filters)
        for n in 0..<s.batch {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for f in 0..<s.filters {
                        let o = ((n * oh + oy) * ow + ox) * s.filters + f
                        var sum = bias.map { Double($0[f]) } ?? 0
                        let g = dy.map { Double($0[o]) } ?? 0
                        dBias[f] += g
                        for ky in 0..<s.kh {
                            for kx in 0..<s.kw {
                                let iy = oy * s.strides - top + ky, ix = ox * s.strides - left + kx
                                guard iy >= 0, iy < s.height, ix >= 0, ix < s.width else { continue }
                                for c in 0..<s.channels {
                                    let xi = ((n * s.height + iy) * s.width + ix) * s.channels + c
                                    let ki = ((ky * s.kw + kx) * s.channels + c) * s.filters + f
                                    sum += Double(x[xi]) * Double(kernel[ki])
                                    dx[xi] += g * Double(kernel[ki])
                                    dKernel[ki] += g * Double(x[xi])
                                }
                            }
                        }
                        y[o] = sum
                    }
                }
            }
        }
    }
}
