/// An exponential moving average of a network's weights and statistics (Polyak averaging): after each
/// optimiser step, average ← d · average + (1 − d) · value. Evaluating the averaged weights of a long run
/// is usually better than its last weights, at the cost of one pass over the weights per step.
///
/// The decay ramps up from 0 as (1 + t) / (10 + t) until it reaches `decay`, so the average is not
/// dominated by the random initial weights early in a run.
public final class WeightAverage: @unchecked Sendable {
    public let decay: Float
    public let warmsUp: Bool
    /// Number of updates so far (saved in checkpoints so a resumed run continues exactly).
    public var updates: Int
    /// The averaged copy of each tensor, in the order given at creation.
    public let averages: [Tensor]
    private let tracked: [Tensor]

    public init(tracking tensors: [Tensor], decay: Float, warmsUp: Bool = true) {
        precondition(decay >= 0 && decay < 1, "WeightAverage: decay \(decay) outside [0, 1)")
        self.decay = decay
        self.warmsUp = warmsUp
        updates = 0
        tracked = tensors
        averages = tensors.map { tensor in
            let copy = Tensor(shape: tensor.shape)
            copy.data.update(from: tensor.data, count: tensor.count)
            return copy
        }
    }

    /// The decay used by update number `t` (counting from 0).
    public func decay(at t: Int) -> Float {
        warmsUp ? min(decay, Float(1 + t) / Float(10 + t)) : decay
    }

    /// Folds the tracked tensors' current values into the averages.
    public func update() {
        let d = decay(at: updates)
        for (average, value) in zip(averages, tracked) {
            let a = average.data, v = UnsafePointer(value.data)
            // Element by element, so the chunks (and the thread count) change no value.
            Compute.parallelChunks(value.count, minimumPerChunk: 1 << 16) { range in
                for i in range { a[i] = d * a[i] + (1 - d) * v[i] }
            }
        }
        updates += 1
    }

    /// Runs `body` with the averages in place of the tracked values, then puts the values back.
    public func withAveragedWeights<R>(_ body: () throws -> R) rethrows -> R {
        swapAll()
        defer { swapAll() }
        return try body()
    }

    private func swapAll() {
        for (average, value) in zip(averages, tracked) {
            let a = average.data, v = value.data
            for i in 0..<value.count { (a[i], v[i]) = (v[i], a[i]) }
        }
    }
}
