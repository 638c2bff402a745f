import Foundation
import Expression
import NeuralNet
import Testing

struct DecisionBiasTests {
    /// Flattening at strength 1 makes a model whose mean prediction is the learned prior predict, on average
    /// over those same probabilities, every class equally often a priori: p_c / prior_c renormalised.
    @Test func fullStrengthDividesOutThePrior() {
        let prior = [0.14, 0.03, 0.14, 0.24, 0.19, 0.15, 0.11]
        let bias = DecisionBias.flattening(meanProbabilities: prior, strength: 1)
        let p: [Float] = [0.1, 0.05, 0.1, 0.3, 0.25, 0.1, 0.1]
        let shifted = bias.apply(to: p)
        let expected = zip(p, prior).map { Double($0) / $1 }
        let total = expected.reduce(0, +)
        for (a, b) in zip(shifted, expected) { #expect(abs(Double(a) - b / total) < 1e-5) }
        #expect(abs(shifted.reduce(0, +) - 1) < 1e-5)
    }

    @Test func strengthZeroChangesNothingAndNotesRoundTrip() {
        let bias = DecisionBias.flattening(meanProbabilities: [0.5, 0.3, 0.2], strength: 0)
        #expect(bias.apply(to: [0.2, 0.3, 0.5]) == [0.2, 0.3, 0.5])
        let other = DecisionBias(offsets: [0.5, -0.25, 0])
        #expect(DecisionBias(notes: [DecisionBias.noteKey: other.noteValue], classes: 3) == other)
        #expect(DecisionBias(notes: [DecisionBias.noteKey: "1,2"], classes: 3) == nil, "wrong length is ignored")
        #expect(DecisionBias(notes: [DecisionBias.noteKey: "1,nan,2"], classes: 3) == nil)
    }

    /// A bias in a model's notes reaches the classifier and the evaluation alike.
    @Test func classifierAndEvaluationApplyTheModelsBias() throws {
        let faces = ServingParityTests.faces(count: 9)
        var model = try ServingParityTests.model()
        model.notes[DecisionBias.noteKey] = DecisionBias(offsets: [2, 0, 0, -1, 0, 0, 0.5]).noteValue
        let bias = DecisionBias(notes: model.notes, classes: 7)
        let evaluated = Evaluation.probabilities(model.network, on: faces, normalization: model.normalization, tta: .flip, bias: bias)
        let plain = Evaluation.probabilities(model.network, on: faces, normalization: model.normalization, tta: .flip)
        let served = try Classifier(model: model, tta: .flip).probabilities(for: (0..<faces.count).map(faces.face))
        for n in 0..<faces.count {
            #expect(zip(served[n], evaluated[n]).allSatisfy { abs($0 - $1) < 1e-6 })
            #expect(evaluated[n][0] > plain[n][0], "angry pushed up by its offset")
        }
    }

    /// With several views, each view's probabilities are shifted before they are averaged: the softmax of
    /// logits + bias per view, what an exported ONNX graph with the bias folded in computes (Double loops).
    @Test func eachViewIsShiftedBeforeTheAverage() {
        let offsets: [Float] = [0.8, -0.5, 0.1]
        let logits: [[Float]] = [[2, 1, 0.5], [0.2, 1.5, -1], [1, 1, 1], [-2, 0, 3]]  // 2 views of 2 faces
        let tensor = Tensor(shape: [4, 3], values: Array(logits.joined()))
        let got = FaceBatch.probabilities(logits: tensor, count: 2, tta: .flip, bias: DecisionBias(offsets: offsets))
        for face in 0..<2 {
            var expected = [Double](repeating: 0, count: 3)
            for view in 0..<2 {
                let shifted = zip(logits[view * 2 + face], offsets).map { Double($0) + Double($1) }
                let total = shifted.map { exp($0) }.reduce(0, +)
                for c in 0..<3 { expected[c] += exp(shifted[c]) / total / 2 }
            }
            for c in 0..<3 { #expect(abs(Double(got[face][c]) - expected[c]) < 1e-6, "face \(face) class \(c)") }
        }
    }
}
