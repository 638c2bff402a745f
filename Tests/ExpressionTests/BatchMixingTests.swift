import Expression
import NeuralNet
import Testing

struct BatchMixingTests {
    static let side = 6, count = 5

    /// Face n is filled with the value n + 1, so every mixed pixel says where it came from.
    static func batch() -> Tensor {
        let t = Tensor(shape: [count, side, side, 1])
        for n in 0..<count { for i in 0..<(side * side) { t.data[n * side * side + i] = Float(n + 1) } }
        return t
    }

    @Test func mixupBlendsEachFaceWithItsPartnerByTheWeight() {
        let inputs = Self.batch()
        var generator = SeededGenerator(seed: 3)
        let mix = BatchMixing(mixupAlpha: 0.4).apply(to: inputs, count: Self.count, side: Self.side, generator: &generator)
        #expect(Set(mix.partners) == Set(0..<Self.count), "partners are a permutation")
        for n in 0..<Self.count {
            let lambda = mix.weights[n]
            #expect(lambda >= 0 && lambda <= 1)
            let expected = lambda * Float(n + 1) + (1 - lambda) * Float(mix.partners[n] + 1)
            #expect(abs(inputs.data[n * Self.side * Self.side + 7] - expected) < 1e-5)
        }
    }

    @Test func cutMixKeepsExactlyTheWeightOfEachFace() {
        let inputs = Self.batch()
        var generator = SeededGenerator(seed: 9)
        let mix = BatchMixing(cutMixAlpha: 1).apply(to: inputs, count: Self.count, side: Self.side, generator: &generator)
        let area = Self.side * Self.side
        for n in 0..<Self.count where mix.partners[n] != n {
            let own = (0..<area).filter { inputs.data[n * area + $0] == Float(n + 1) }.count
            let pasted = (0..<area).filter { inputs.data[n * area + $0] == Float(mix.partners[n] + 1) }.count
            #expect(own + pasted == area)
            #expect(abs(Float(own) / Float(area) - mix.weights[n]) < 1e-6)
        }
    }

    @Test func aSeedReproducesABatch() {
        let a = Self.batch(), b = Self.batch()
        var g1 = SeededGenerator(seed: 21), g2 = SeededGenerator(seed: 21)
        let mixing = BatchMixing(mixupAlpha: 0.3, cutMixAlpha: 1)
        let m1 = mixing.apply(to: a, count: Self.count, side: Self.side, generator: &g1)
        let m2 = mixing.apply(to: b, count: Self.count, side: Self.side, generator: &g2)
        #expect(m1 == m2)
        #expect(a.array == b.array)
    }

    /// The loss's targets for a mixed row: read back from the gradient at zero logits (g = (1/k − t) / rows);
    /// they sum to 1 and put λ on the own label and 1 − λ on the partner's.
    @Test func mixedTargetsSumToOneAndFollowTheWeights() {
        let k = 7, rows = 3
        let logits = Tensor(shape: [rows, k])
        let gradient = Tensor(shape: [0])
        let labels = [1, 4, 6], partners = [2, 0, 1], weights: [Float] = [0.7, 0.25, 1]
        CrossEntropyLoss().callAsFunction(logits: logits, labels: labels, partners: partners, weights: weights, gradient: gradient)
        for r in 0..<rows {
            let targets = (0..<k).map { 1 / Float(k) - gradient.data[r * k + $0] * Float(rows) }
            #expect(abs(targets.reduce(0, +) - 1) < 1e-5)
            var expected = [Float](repeating: 0, count: k)
            expected[labels[r]] += weights[r]
            expected[labels[partners[r]]] += 1 - weights[r]
            #expect(zip(targets, expected).allSatisfy { abs($0 - $1) < 1e-5 }, "row \(r): \(targets)")
        }
    }

    @Test func betaDrawsHaveTheRightMean() {
        var generator = SeededGenerator(seed: 5)
        for alpha: Float in [0.2, 1, 3] {
            let draws = (0..<4000).map { _ in BatchMixing(mixupAlpha: alpha).apply(to: Self.batch(), count: 1, side: 1, generator: &generator).weights[0] }
            #expect(draws.allSatisfy { $0 >= 0 && $0 <= 1 })
            let mean = draws.reduce(0, +) / Float(draws.count)
            #expect(abs(mean - 0.5) < 0.03, "alpha \(alpha): mean \(mean)")
        }
    }
}
