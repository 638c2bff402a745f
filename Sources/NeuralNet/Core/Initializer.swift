/// Weight initialisers as Keras defines them.
public enum Initializer {
    /// Glorot (Xavier) uniform: U(−l, l) with l = √(6 / (fanIn + fanOut)); Keras's default for kernels.
    public static func glorotUniform(shape: [Int], fanIn: Int, fanOut: Int,
                                     generator: inout SeededGenerator) -> Tensor {
        let limit = (6 / Float(fanIn + fanOut)).squareRoot()
        let tensor = Tensor(shape: shape)
        for i in 0..<tensor.count { tensor[i] = generator.uniform(-limit, limit) }
        return tensor
    }
}
