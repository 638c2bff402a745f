import Foundation
import NeuralNet
import Testing

struct DistillationTests {
    static func logits(_ rows: [[Float]]) -> Tensor {
        let t = Tensor(shape: [rows.count, rows[0].count])
        for (r, row) in rows.enumerated() { for (j, v) in row.enumerated() { t.data[r * row.count + j] = v } }
        return t
    }

    /// A teacher that is the one-hot labels, at T = 1, turns the loss into cross-entropy with label smoothing
    /// (1 − α)·ε: loss and gradient alike.
    @Test func aOneHotTeacherGivesLabelSmoothing() {
        let z = Self.logits([[0.3, -1, 2, 0.5], [1.5, 0.2, -0.4, 0], [-2, 0, 0.7, 3]])
        let labels = [2, 0, 1]
        let teacher = Self.logits(labels.map { label in (0..<4).map { $0 == label ? 0 : -1e4 } })
        let epsilon: Float = 0.1, alpha: Float = 0.6
        let gradient = Tensor(shape: [0])
        let hard = CrossEntropyLoss(labelSmoothing: epsilon)(logits: z, labels: labels, gradient: gradient)
        let total = Distillation(weight: alpha, temperature: 1).combine(studentLogits: z, teacherLogits: teacher,
                                                                        hardLoss: hard, gradient: gradient)
        let expectedGradient = Tensor(shape: [0])
        let expected = CrossEntropyLoss(labelSmoothing: (1 - alpha) * epsilon)(logits: z, labels: labels, gradient: expectedGradient)
        #expect(abs(total - expected) < 1e-5)
        #expect(zip(gradient.array, expectedGradient.array).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    /// The soft term's gradient against central differences in Double, at T = 3.
    @Test func softGradientMatchesFiniteDifferences() {
        let rows: [[Float]] = [[0.3, -1, 2, 0.5], [1.5, 0.2, -0.4, 0]]
        let teacher = Self.logits([[1, 0, 0.5, -1], [0, 2, 0, 0]])
        let distillation = Distillation(weight: 1, temperature: 3)
        func loss(_ values: [[Float]]) -> Double {
            let g = Tensor(shape: [2, 4])
            return Double(distillation.combine(studentLogits: Self.logits(values), teacherLogits: teacher, hardLoss: 0, gradient: g))
        }
        let g = Tensor(shape: [2, 4])
        _ = distillation.combine(studentLogits: Self.logits(rows), teacherLogits: teacher, hardLoss: 0, gradient: g)
        for r in 0..<2 {
            for j in 0..<4 {
                var up = rows, down = rows
                up[r][j] += 1e-2; down[r][j] -= 1e-2
                let numeric = (loss(up) - loss(down)) / 2e-2
                #expect(abs(Double(g.data[r * 4 + j]) - numeric) < 2e-3, "row \(r) class \(j)")
            }
        }
    }

    /// An ensemble's logits soften (at the same T) into exactly the mean of its members' softened
    /// probabilities, checked in Double; one member gives its own probabilities back.
    @Test func ensembleLogitsAverageTheMembersSoftProbabilities() {
        let members = [Self.logits([[0.3, -1, 2, 0.5], [1.5, 0.2, -0.4, 0]]),
                       Self.logits([[2, 0, -1, 1], [0, 0, 3, -2]]),
                       Self.logits([[-0.5, 4, 0, 0.1], [1, 1, 1, 1]])]
        let temperature: Float = 2.5
        let distillation = Distillation(weight: 0.5, temperature: temperature)
        func soft(_ t: Tensor, _ r: Int) -> [Double] {
            let row = (0..<4).map { Double(t.data[r * 4 + $0]) / Double(temperature) }
            let top = row.max()!, e = row.map { exp($0 - top) }, sum = e.reduce(0, +)
            return e.map { $0 / sum }
        }
        let ensemble = distillation.ensembleLogits(members)
        let single = distillation.ensembleLogits([members[1]])
        for r in 0..<2 {
            let expected = (0..<4).map { j in members.reduce(0.0) { $0 + soft($1, r)[j] } / 3 }
            #expect(zip(soft(ensemble, r), expected).allSatisfy { abs($0 - $1) < 1e-6 }, "row \(r)")
            #expect(zip(soft(single, r), soft(members[1], r)).allSatisfy { abs($0 - $1) < 1e-6 }, "row \(r)")
        }
    }
}
