import Foundation
import NeuralNet
import Testing

/// CrossEntropyLoss: its value against a Double formula, and its logit gradient against central
/// differences of its own value (ε = 1e-2 on the logits, because the loss is returned as Float: its
/// rounding, about 2e-7 of the loss, divided by 2ε stays well below the tolerance of 1e-3 relative).
@Suite struct LossGradientTests {
    struct LossCase: CustomTestStringConvertible, Sendable {
        let smoothing: Float
        let weights: [Float]?
        var testDescription: String { "smoothing \(smoothing), class weights \(weights.map { "\($0)" } ?? "none")" }
    }

    static let cases = [
        LossCase(smoothing: 0, weights: nil),
        LossCase(smoothing: 0.1, weights: nil),
        LossCase(smoothing: 0, weights: [1, 2, 0.5, 1.5, 1]),
        LossCase(smoothing: 0.2, weights: [1, 2, 0.5, 1.5, 1]),
    ]
    static let labels = [0, 3, 1, 4, 3, 2]

    /// −Σ w_label · Σ_j t_j · log softmax(z)_j / N with t = (1−ε)·onehot + ε/K, all in Double.
    static func expectedLoss(_ logits: Tensor, labels: [Int], smoothing: Double, weights: [Float]?) -> Double {
        let k = logits.sampleCount
        var total: Double = 0
        for (r, label) in labels.enumerated() {
            let row = (0..<k).map { Double(logits[r * k + $0]) }
            let top = row.max()!
            let logSum = top + log(row.map { exp($0 - top) }.reduce(0, +))
            var sample: Double = 0
            for j in 0..<k {
                let target = (j == label ? 1 - smoothing : 0) + smoothing / Double(k)
                sample -= target * (row[j] - logSum)
            }
            total += Double(weights?[label] ?? 1) * sample
        }
        return total / Double(labels.count)
    }

    @Test(arguments: cases)
    func valueAndGradient(_ c: LossCase) {
        let loss = CrossEntropyLoss(labelSmoothing: c.smoothing, classWeights: c.weights)
        let logits = TestTensors.random([6, 5], seed: 30, low: -3, high: 3)
        let gradient = Tensor(shape: [0])
        let value = loss(logits: logits, labels: Self.labels, gradient: gradient)
        let expected = Self.expectedLoss(logits, labels: Self.labels, smoothing: Double(c.smoothing), weights: c.weights)
        #expect(abs(Double(value) - expected) < 1e-6 * max(1, expected), "loss \(value), expected \(expected)")
        #expect(gradient.shape == [6, 5])

        let epsilon: Float = 1e-2
        var numeric: [Double] = []
        for i in 0..<logits.count {
            let original = logits[i]
            logits[i] = original + epsilon
            let high = Double(loss(logits: logits, labels: Self.labels))
            logits[i] = original - epsilon
            let low = Double(loss(logits: logits, labels: Self.labels))
            logits[i] = original
            numeric.append((high - low) / (Double(original + epsilon) - Double(original - epsilon)))
        }
        let analytic = gradient.array.map(Double.init)
        let difference = zip(analytic, numeric).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        let norm = numeric.map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(norm > 1e-3)
        #expect(difference / norm < 1e-3, "relative error \(difference / norm)")
        // Each row's gradient sums to zero: softmax and the smoothed targets both sum to one.
        for r in 0..<6 { #expect(abs((0..<5).reduce(Float(0)) { $0 + gradient[r * 5 + $1] }) < 1e-6) }
    }

    @Test func extremeLogitsStayFinite() {
        let logits = Tensor(shape: [2, 3], values: [1000, -1000, 0, -500, 500, 499])
        let gradient = Tensor(shape: [0])
        let value = CrossEntropyLoss(labelSmoothing: 0.1)(logits: logits, labels: [1, 0], gradient: gradient)
        #expect(value.isFinite && value > 0)
        #expect(gradient.array.allSatisfy { $0.isFinite })
    }
}
