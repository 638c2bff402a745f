#if canImport(Glibc)
import Glibc
#endif

/// Categorical cross-entropy on logits (softmax folded in for stability), averaged over the batch,
/// with optional label smoothing (targets (1−ε)·onehot + ε/K, as Keras) and per-class weights
/// (each sample's loss multiplied by its class's weight, as Keras's `class_weight`).
public struct CrossEntropyLoss: Sendable {
    public var labelSmoothing: Float
    public var classWeights: [Float]?

    public init(labelSmoothing: Float = 0, classWeights: [Float]? = nil) {
        self.labelSmoothing = labelSmoothing
        self.classWeights = classWeights
    }

    /// Returns the mean loss and writes its gradient with respect to the logits into `gradient`.
    /// With `partners` and `weights` (mixup, CutMix), row r's target is weights[r] · its own (smoothed)
    /// label + (1 − weights[r]) · the label of row partners[r], and its class weight is mixed the same way.
    @discardableResult
    public func callAsFunction(logits: Tensor, labels: [Int], partners: [Int]? = nil, weights: [Float]? = nil,
                               gradient: Tensor? = nil) -> Float {
        let rows = logits.batchSize, k = logits.sampleCount
        precondition(labels.count == rows, "CrossEntropyLoss: \(labels.count) labels for \(rows) rows")
        precondition((partners == nil) == (weights == nil) && (partners?.count ?? rows) == rows && (weights?.count ?? rows) == rows,
                     "CrossEntropyLoss: partners and weights go together, one per row")
        gradient?.reshape(logits.shape)
        var probabilities = [Float](repeating: 0, count: k)
        var total: Double = 0
        let off = labelSmoothing / Float(k), on = 1 - labelSmoothing + off
        for r in 0..<rows {
            let row = logits.data + r * k
            let label = labels[r]
            precondition(label >= 0 && label < k, "CrossEntropyLoss: label \(label) outside 0..<\(k)")
            let other = partners.map { labels[$0[r]] } ?? label
            let own = weights?[r] ?? 1
            let weight = own * (classWeights?[label] ?? 1) + (1 - own) * (classWeights?[other] ?? 1)
            probabilities.withUnsafeMutableBufferPointer { Softmax.apply(row, rows: 1, columns: k, into: $0.baseAddress!) }
            var largest = -Float.infinity
            for j in 0..<k { largest = max(largest, row[j]) }
            var sumExp: Float = 0
            for j in 0..<k { sumExp += expf(row[j] - largest) }
            let logSumExp = largest + logf(sumExp)
            var sampleLoss: Float = 0
            for j in 0..<k {
                let target = own * (j == label ? on : off) + (1 - own) * (j == other ? on : off)
                if target > 0 { sampleLoss -= target * (row[j] - logSumExp) }
                if let gradient { gradient.data[r * k + j] = weight * (probabilities[j] - target) / Float(rows) }
            }
            total += Double(weight * sampleLoss)
        }
        return Float(total / Double(rows))
    }
}
