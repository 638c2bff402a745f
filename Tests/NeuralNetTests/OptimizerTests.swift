import Foundation
import NeuralNet
import Testing

/// Adam and SGD steps against values worked out by hand / their formulas in Double.
@Suite struct OptimizerTests {
    static func parameter(_ values: [Float], decays: Bool = false, trainable: Bool = true) -> Parameter {
        Parameter(name: "w", value: Tensor(shape: [values.count], values: values), isTrainable: trainable,
                  decays: decays)
    }

    static func setGradient(_ parameter: Parameter, _ values: [Float]) {
        for i in values.indices { parameter.gradient[i] = values[i] }
    }

    @Test func adamFirstStepMovesEachWeightByTheLearningRate() {
        // Step 1: m = (1−β1)g, v = (1−β2)g², step size lr·√(1−β2)/(1−β1), so the update is
        // lr·g/(|g| + ε/√(1−β2)) ≈ lr·sign(g) whatever g's size.
        let w = Self.parameter([1, -2, 0.5])
        Self.setGradient(w, [0.5, -0.001, 40])
        let adam = Adam(learningRate: 0.1)
        adam.update([w])
        #expect(adam.step == 1)
        #expect(abs(w.value[0] - 0.9) < 1e-5)
        // A tiny g shows ε: ε/√(1−β2) = 3.16e-6 is 0.32% of |g|, so the step is 0.1/1.00316 = 0.099685.
        #expect(abs(w.value[1] - -1.900315) < 1e-5)
        #expect(abs(w.value[2] - 0.4) < 1e-5)
    }

    @Test func adamTwoStepsFollowKerasFormula() {
        let initial: [Float] = [1, -2, 0.5, 0]
        let gradients: [[Float]] = [[0.5, -0.1, 0.02, 0], [0.3, 0.2, -0.04, 1]]
        let w = Self.parameter(initial)
        let frozen = Self.parameter([7, 8], trainable: false)
        let adam = Adam(learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7)
        var expected = initial.map(Double.init)
        var m = [Double](repeating: 0, count: 4), v = m
        for (t, g) in gradients.enumerated() {
            Self.setGradient(w, g)
            adam.update([w, frozen])
            // Keras: m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; w ← w − lr·√(1−β2ᵗ)/(1−β1ᵗ) · m/(√v + ε).
            let step = 0.01 * (1 - pow(0.999, Double(t + 1))).squareRoot() / (1 - pow(0.9, Double(t + 1)))
            for i in 0..<4 {
                m[i] = 0.9 * m[i] + 0.1 * Double(g[i])
                v[i] = 0.999 * v[i] + 0.001 * Double(g[i]) * Double(g[i])
                expected[i] -= step * m[i] / (v[i].squareRoot() + 1e-7)
            }
            for i in 0..<4 {
                #expect(abs(Double(w.value[i]) - expected[i]) < 1e-6, "step \(t + 1), weight \(i)")
            }
        }
        #expect(frozen.value.array == [7, 8])
        #expect(adam.stateTensors(for: [w, frozen]).map(\.name) == ["0.m", "0.v"])
    }

    /// Adam's and SGD's updates (NeuralKernels/optimize.c) at every level the CPU has, on tensors whose sizes
    /// are no multiple of the vector widths, against the formulas in Double over three steps.
    @Test(arguments: KernelLevel.allCases, [1, 17, 1000])
    func updatesMatchDoubleLoopsAtEveryLevel(level: KernelLevel, count: Int) throws {
        let initial = (0..<count).map { Float(sin(Double($0) * 0.7)) }
        let gradients = (0..<3).map { t in (0..<count).map { Float(cos(Double($0 * (t + 2)) * 0.3)) * 0.1 } }
        let (a, s) = (Self.parameter(initial), Self.parameter(initial, decays: true))
        let adam = Adam(learningRate: 0.01)
        let sgd = SGD(learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4)
        try KernelLevels.run(at: level) {
            for g in gradients {
                Self.setGradient(a, g)
                Self.setGradient(s, g)
                adam.update([a])
                sgd.update([s])
            }
        }
        var (wa, ws) = (initial.map(Double.init), initial.map(Double.init))
        var (m, v, velocity) = ([Double](repeating: 0, count: count), [Double](repeating: 0, count: count),
                                [Double](repeating: 0, count: count))
        for (t, g) in gradients.enumerated() {
            let step = 0.01 * (1 - pow(0.999, Double(t + 1))).squareRoot() / (1 - pow(0.9, Double(t + 1)))
            for i in 0..<count {
                m[i] = 0.9 * m[i] + 0.1 * Double(g[i])
                v[i] = 0.999 * v[i] + 0.001 * Double(g[i]) * Double(g[i])
                wa[i] -= step * m[i] / (v[i].squareRoot() + 1e-7)
                let grad = Double(g[i]) + 5e-4 * ws[i]
                velocity[i] = 0.9 * velocity[i] - 0.05 * grad
                ws[i] += 0.9 * velocity[i] - 0.05 * grad
            }
        }
        for i in 0..<count {
            #expect(abs(Double(a.value[i]) - wa[i]) < 1e-6, "Adam, weight \(i)")
            #expect(abs(Double(s.value[i]) - ws[i]) < 1e-6, "SGD, weight \(i)")
        }
    }

    @Test func sgdNesterovTwoStepsByHand() {
        // lr 0.1, μ 0.9, g = 0.5 both steps:
        // step 1: v = −0.05; w = 1 + 0.9·(−0.05) − 0.05 = 0.905
        // step 2: v = 0.9·(−0.05) − 0.05 = −0.095; w = 0.905 + 0.9·(−0.095) − 0.05 = 0.7695
        let w = Self.parameter([1, -1])
        let sgd = SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)
        Self.setGradient(w, [0.5, -0.25])
        sgd.update([w])
        #expect(abs(w.value[0] - 0.905) < 1e-6)
        #expect(abs(w.value[1] - -0.9525) < 1e-6)  // v = 0.025; w = −1 + 0.0225 + 0.025
        sgd.update([w])
        #expect(abs(w.value[0] - 0.7695) < 1e-6)
        #expect(abs(w.value[1] - -0.88475) < 1e-6)  // v = 0.0475; w = −0.9525 + 0.04275 + 0.025
        #expect(sgd.step == 2)
    }

    @Test func sgdClassicMomentumByHand() {
        // v = μ·v − lr·g; w = w + v. lr 0.1, μ 0.5, g = 1: v = −0.1, w = 0.9; v = −0.15, w = 0.75.
        let w = Self.parameter([1])
        let sgd = SGD(learningRate: 0.1, momentum: 0.5)
        Self.setGradient(w, [1])
        sgd.update([w])
        #expect(abs(w.value[0] - 0.9) < 1e-6)
        sgd.update([w])
        #expect(abs(w.value[0] - 0.75) < 1e-6)
    }

    @Test func sgdWeightDecayAppliesToKernelsOnly() {
        // Plain SGD, lr 0.1, λ 0.01, g = 0: a decaying weight w = 2 gets g' = λ·w = 0.02 → 2 − 0.002 = 1.998;
        // a bias (decays false) stays put.
        let kernel = Self.parameter([2], decays: true)
        let bias = Self.parameter([2])
        let sgd = SGD(learningRate: 0.1, weightDecay: 0.01)
        sgd.update([kernel, bias])
        #expect(abs(kernel.value[0] - 1.998) < 1e-6)
        #expect(bias.value[0] == 2)
    }
}

