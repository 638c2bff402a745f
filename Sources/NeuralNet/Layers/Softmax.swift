#if canImport(Glibc)
import Glibc
#endif

/// Row-wise softmax, computed stably (the row maximum is subtracted first).
public final class Softmax: Layer {
    public var needsInputGradient = true
    let shape: [Int]
    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])

    init(inputShape: [Int]) { shape = inputShape }

    public var spec: LayerSpec { .softmax }
    public var outputShape: [Int] { shape }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        output.reshape(input.shape)
        Softmax.apply(input.data, rows: input.batchSize, columns: input.sampleCount, into: output.data)
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        inputGradient.reshape(outputGradient.shape)
        let rows = outputGradient.batchSize, k = outputGradient.sampleCount
        let y = output.data, dy = outputGradient.data, dx = inputGradient.data
        for r in 0..<rows {
            var dot: Float = 0
            for j in 0..<k { dot += dy[r * k + j] * y[r * k + j] }
            for j in 0..<k { dx[r * k + j] = y[r * k + j] * (dy[r * k + j] - dot) }
        }
        return inputGradient
    }

    /// Softmax of each row of a [rows, columns] matrix.
    public static func apply(_ x: UnsafePointer<Float>, rows: Int, columns: Int, into y: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let row = x + r * columns, out = y + r * columns
            var largest = -Float.infinity
            for j in 0..<columns { largest = max(largest, row[j]) }
            var sum: Float = 0
            for j in 0..<columns {
                out[j] = expf(row[j] - largest)
                sum += out[j]
            }
            let inverse = 1 / sum
            for j in 0..<columns { out[j] *= inverse }
        }
    }
}
