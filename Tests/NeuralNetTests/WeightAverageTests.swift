import NeuralNet
import Testing

struct WeightAverageTests {
    /// With a fixed decay d and values v₁…v_N after a start value v₀, the average is
    /// d^N·v₀ + Σ (1 − d)·d^(N−i)·vᵢ; computed in Double against the Float running average.
    @Test func matchesTheClosedForm() {
        let parameter = Tensor(shape: [3])
        let start: [Double] = [0.5, -2, 10]
        for i in 0..<3 { parameter.data[i] = Float(start[i]) }
        let d = 0.9
        let average = WeightAverage(tracking: [parameter], decay: Float(d), warmsUp: false)
        let n = 25
        var history: [[Double]] = []
        for step in 1...n {
            let values = (0..<3).map { Double(step) * 0.1 * Double($0 + 1) + (step % 3 == 0 ? 1 : -0.5) }
            for i in 0..<3 { parameter.data[i] = Float(values[i]) }
            history.append(values)
            average.update()
        }
        for i in 0..<3 {
            var expected = pow(d, Double(n)) * start[i]
            for (k, values) in history.enumerated() { expected += (1 - d) * pow(d, Double(n - 1 - k)) * values[i] }
            #expect(abs(Double(average.averages[0].data[i]) - expected) < 1e-5 * max(1, abs(expected)))
        }
        #expect(average.updates == n)
    }

    /// A tensor large enough to be split across threads: every element follows a ← d·a + (1 − d)·v exactly
    /// as one Float loop computes it.
    @Test func updatesEveryElementOfALargeTensor() {
        let count = 300_001
        let parameter = TestTensors.random([count], seed: 1)
        let average = WeightAverage(tracking: [parameter], decay: 0.9, warmsUp: false)
        var expected = parameter.array
        for step in 0..<3 {
            TestTensors.randomize(parameter, seed: 2 + UInt64(step))
            average.update()
            for i in 0..<count { expected[i] = 0.9 * expected[i] + (1 - 0.9) * parameter[i] }
        }
        #expect(average.averages[0].array == expected)
    }

    @Test func warmUpFollowsTheRampThenTheDecay() {
        let average = WeightAverage(tracking: [], decay: 0.999)
        #expect(average.decay(at: 0) == 0.1)
        #expect(abs(average.decay(at: 90) - 0.91) < 1e-6)
        #expect(average.decay(at: 1_000_000) == 0.999)
    }

    @Test func averagedWeightsAreSwappedInAndBack() {
        let parameter = Tensor(shape: [2])
        parameter.data[0] = 1; parameter.data[1] = 2
        let average = WeightAverage(tracking: [parameter], decay: 0.5, warmsUp: false)
        parameter.data[0] = 3; parameter.data[1] = 6
        average.update() // averages: 2, 4
        let inside = average.withAveragedWeights { [parameter.data[0], parameter.data[1]] }
        #expect(inside == [2, 4])
        #expect([parameter.data[0], parameter.data[1]] == [3, 6])
    }
}

import Foundation
