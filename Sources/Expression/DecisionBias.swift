import Foundation
import NeuralNet

/// A per-class shift of a model's decision, p ∝ p · e^offset: corrects the class prior a network learned
/// from its training faces (FER2013 has many neutral and happy faces and few disgusted ones; a network
/// trained on it calls uncertain real faces neutral). Stored in the model file's notes, in the network's
/// class order, so every path that classifies (live view, predict, eval, training's validation) applies it.
public struct DecisionBias: Sendable, Equatable {
    public static let noteKey = "decision_bias"
    public var offsets: [Float]

    public init(offsets: [Float]) { self.offsets = offsets }

    /// From a model's notes ("a,b,c,…"), or nil when it has none or it does not fit `classes`.
    public init?(notes: [String: String], classes: Int) {
        guard let text = notes[Self.noteKey] else { return nil }
        let values = text.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == classes, values.allSatisfy(\.isFinite) else { return nil }
        offsets = values
    }

    public var noteValue: String { offsets.map { String(format: "%.5f", $0) }.joined(separator: ",") }

    /// The prior a network has learned is the mean of its probabilities over faces it classifies; dividing
    /// it out to the power `strength` (0: unchanged, 1: every class as likely a priori) flattens it.
    public static func flattening(meanProbabilities: [Double], strength: Float) -> DecisionBias {
        let logs = meanProbabilities.map { Float(log(max($0, 1e-6))) }
        let mean = logs.reduce(0, +) / Float(max(1, logs.count))
        return DecisionBias(offsets: logs.map { -strength * ($0 - mean) })
    }

    public func apply(to probabilities: [Float]) -> [Float] {
        guard offsets.count == probabilities.count else { return probabilities }
        let shifted = zip(probabilities, offsets).map { $0 * Foundation.exp($1) }
        let total = shifted.reduce(0, +)
        return total > 0 ? shifted.map { $0 / total } : probabilities
    }
}
