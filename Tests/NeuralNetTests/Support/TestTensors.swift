import NeuralNet

/// Builders for the small deterministic tensors and layers the tests use.
enum TestTensors {
    /// Uniform values in [low, high) from a fixed seed.
    static func random(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        let tensor = Tensor(shape: shape)
        for i in 0..<tensor.count { tensor[i] = generator.uniform(low, high) }
        return tensor
    }

    /// Values whose magnitude is at least `gap` (ReLU's kink at 0 stays out of reach of a finite difference).
    static func awayFromZero(_ shape: [Int], seed: UInt64, gap: Float = 0.05) -> Tensor {
        let tensor = random(shape, seed: seed)
        for i in 0..<tensor.count { tensor[i] += tensor[i] < 0 ? -gap : gap }
        return tensor
    }

    /// A random permutation of 0.01·(1...count) shifted to be centred: every value distinct by 0.01, so a
    /// perturbation of 1e-3 never changes which input wins a max-pooling window.
    static func distinct(_ shape: [Int], seed: UInt64) -> Tensor {
        let tensor = Tensor(shape: shape)
        var generator = SeededGenerator(seed: seed)
        var values = (0..<tensor.count).map { Float($0 + 1) * 0.01 - Float(tensor.count) * 0.005 }
        values.shuffle(using: &generator)
        for i in 0..<tensor.count { tensor[i] = values[i] }
        return tensor
    }

    /// Overwrites a tensor's contents with values in [low, high).
    static func randomize(_ tensor: Tensor, seed: UInt64, low: Float = -1, high: Float = 1) {
        var generator = SeededGenerator(seed: seed)
        for i in 0..<tensor.count { tensor[i] = generator.uniform(low, high) }
    }

    /// Builds one layer through its public spec, for one sample's input shape.
    static func layer(_ spec: LayerSpec, input shape: [Int], seed: UInt64 = 1) throws -> any Layer {
        var generator = SeededGenerator(seed: seed)
        return try spec.makeLayer(inputShape: shape, generator: &generator)
    }

    static func parameter(_ layer: any Layer, _ name: String) -> Parameter {
        guard let parameter = layer.parameters.first(where: { $0.name == name }) else {
            preconditionFailure("\(layer.spec.kind) has no parameter \(name)")
        }
        return parameter
    }
}
