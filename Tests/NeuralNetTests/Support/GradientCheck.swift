import NeuralNet
import Testing

/// Finite-difference check of a layer's hand-written backward pass.
///
/// The scalar checked is L = Σ wᵢ·yᵢ over the layer's output y with fixed random weights w, so backward's
/// output gradient is w itself. The numeric side perturbs one Float input or parameter element by ±ε,
/// evaluates L in Double each time and divides by the perturbation actually applied (after Float rounding):
/// central differences, so truncation error is O(ε²) and Float round-off in y dominates.
///
/// Pass criterion, for the input gradient and each trainable parameter's gradient (vectors a analytic,
/// n numeric): ‖a − n‖₂ / max(‖a‖₂, ‖n‖₂) < tolerance, and every element |aᵢ − nᵢ| < tolerance · ‖n‖∞.
/// The gradient must also be non-zero, so a check cannot pass by computing nothing.
struct GradientCheck {
    var epsilon: Float = 1e-3
    var tolerance: Double = 1e-3
    var training = true
    /// Called before every forward pass: resets state that would otherwise change between evaluations
    /// (Dropout's generator).
    var prepare: () -> Void = {}

    struct Mismatch: CustomStringConvertible {
        let what: String
        let relativeError: Double
        let worstElement: Int
        let analytic, numeric: Double
        var description: String {
            "\(what): relative error \(relativeError), worst element \(worstElement): analytic \(analytic) numeric \(numeric)"
        }
    }

    /// Largest normwise relative error seen, per gradient checked (for reporting).
    struct Result {
        var errors: [(what: String, relativeError: Double)] = []
        var worst: Double { errors.map(\.relativeError).max() ?? 0 }
    }

    @discardableResult
    func check(_ layer: any Layer, input: Tensor, sourceLocation: SourceLocation = #_sourceLocation) -> Result {
        prepare()
        let output = layer.forward(input, training: training)
        let weights = TestTensors.random(output.shape, seed: 0xC0FFEE)
        let analyticInput = layer.backward(weights).array
        let trainable = layer.parameters.filter(\.isTrainable)
        let analyticParameters = trainable.map(\.gradient.array)

        // backward sets gradients, it does not accumulate: a second call gives the same values.
        let again = layer.backward(weights).array
        #expect(again == analyticInput, "\(layer.spec.kind): a second backward changed the input gradient",
                sourceLocation: sourceLocation)
        for (parameter, first) in zip(trainable, analyticParameters) {
            #expect(parameter.gradient.array == first,
                    "\(layer.spec.kind).\(parameter.name): a second backward changed the gradient",
                    sourceLocation: sourceLocation)
        }

        func loss() -> Double {
            prepare()
            let y = layer.forward(input, training: training)
            var sum: Double = 0
            for i in 0..<y.count { sum += Double(weights[i]) * Double(y[i]) }
            return sum
        }
        func numericGradient(of tensor: Tensor) -> [Double] {
            (0..<tensor.count).map { i in
                let original = tensor[i]
                let plus = original + epsilon, minus = original - epsilon
                tensor[i] = plus
                let high = loss()
                tensor[i] = minus
                let low = loss()
                tensor[i] = original
                return (high - low) / (Double(plus) - Double(minus))
            }
        }

        var result = Result()
        func compare(_ what: String, _ analytic: [Float], _ numeric: [Double]) {
            let a = analytic.map(Double.init)
            let difference = zip(a, numeric).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            let normA = a.map { $0 * $0 }.reduce(0, +).squareRoot()
            let normN = numeric.map { $0 * $0 }.reduce(0, +).squareRoot()
            let largest = numeric.map(abs).max() ?? 0
            let relative = difference / max(normA, normN, .leastNormalMagnitude)
            result.errors.append((what, relative))
            #expect(normN > 1e-6, "\(what): numeric gradient is zero; the check would prove nothing",
                    sourceLocation: sourceLocation)
            var worst = 0
            for i in a.indices where abs(a[i] - numeric[i]) > abs(a[worst] - numeric[worst]) { worst = i }
            let mismatch = Mismatch(what: what, relativeError: relative, worstElement: worst,
                                    analytic: a.isEmpty ? 0 : a[worst], numeric: numeric.isEmpty ? 0 : numeric[worst])
            #expect(relative < tolerance, "\(mismatch)", sourceLocation: sourceLocation)
            #expect(a.isEmpty || abs(a[worst] - numeric[worst]) < tolerance * largest, "\(mismatch)",
                    sourceLocation: sourceLocation)
        }

        let kind = layer.spec.kind
        compare("\(kind) input gradient", analyticInput, numericGradient(of: input))
        for (parameter, analytic) in zip(trainable, analyticParameters) {
            compare("\(kind).\(parameter.name) gradient", analytic, numericGradient(of: parameter.value))
        }
        return result
    }
}

extension GradientCheck {
    /// A whole network at once: every trainable parameter's gradient from `backward` against central
    /// differences of Σ w·y (w random from `weightSeed`), each parameter's relative error below `tolerance`.
    func checkParameters(of network: Network, input: Tensor, weightSeed: UInt64,
                         sourceLocation: SourceLocation = #_sourceLocation) {
        let output = network.forward(input, training: training)
        let w = TestTensors.random(output.shape, seed: weightSeed)
        network.backward(w)
        func loss() -> Double {
            let y = network.forward(input, training: training)
            return (0..<y.count).reduce(0) { $0 + Double(w[$1]) * Double(y[$1]) }
        }
        for (name, parameter) in network.namedParameters where parameter.isTrainable {
            let analytic = parameter.gradient.array.map(Double.init)
            var numeric: [Double] = []
            for i in 0..<parameter.value.count {
                let original = parameter.value[i]
                parameter.value[i] = original + epsilon
                let high = loss()
                parameter.value[i] = original - epsilon
                let low = loss()
                parameter.value[i] = original
                numeric.append((high - low) / (Double(original + epsilon) - Double(original - epsilon)))
            }
            let difference = zip(analytic, numeric).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            let norm = max(analytic.map { $0 * $0 }.reduce(0, +), numeric.map { $0 * $0 }.reduce(0, +)).squareRoot()
            #expect(norm > 1e-6, "\(name): zero gradient", sourceLocation: sourceLocation)
            #expect(difference / norm < tolerance, "\(name): relative error \(difference / norm)", sourceLocation: sourceLocation)
        }
    }
}
