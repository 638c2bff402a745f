/// A stack of layers applied in order: the only container Emoscope's networks need.
public final class Sequential {
    /// One sample's input shape, e.g. [48, 48, 1].
    public let inputShape: [Int]
    public let layers: [any Layer]

    public init(inputShape: [Int], layers specs: [LayerSpec], seed: UInt64 = 0) throws {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw NetworkError.invalidArchitecture("input shape \(inputShape)")
        }
        guard !specs.isEmpty else { throw NetworkError.invalidArchitecture("no layers") }
        // Sizes come from files: all are checked before the first layer allocates anything.
        try NetworkLimits.check(inputShape: inputShape, layers: specs)
        var generator = SeededGenerator(seed: seed)
        var shape = inputShape
        var built: [any Layer] = []
        for (index, spec) in specs.enumerated() {
            do {
                let layer = try spec.makeLayer(inputShape: shape, generator: &generator)
                built.append(layer)
                shape = layer.outputShape
            } catch let error as NetworkError {
                throw NetworkError.invalidArchitecture("layer \(index) (\(spec.kind)): \(error)")
            }
        }
        built[0].needsInputGradient = false
        self.inputShape = inputShape
        layers = built
    }

    public convenience init(_ architecture: Architecture, seed: UInt64 = 0) throws {
        try self.init(inputShape: architecture.inputShape, layers: architecture.layers, seed: seed)
    }

    public var architecture: Architecture { Architecture(inputShape: inputShape, layers: layers.map(\.spec)) }
    public var outputShape: [Int] { layers.last!.outputShape }

    /// Runs every layer. The returned tensor belongs to the last layer and is overwritten by the next call.
    public func forward(_ input: Tensor, training: Bool = false) -> Tensor {
        var x = input
        for layer in layers { x = layer.forward(x, training: training) }
        return x
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { forward(input, training: false) }

    /// Runs every layer but a final Softmax: the logits a cross-entropy loss wants.
    public func logits(_ input: Tensor, training: Bool) -> Tensor {
        var x = input
        for layer in layersBeforeSoftmax { x = layer.forward(x, training: training) }
        return x
    }

    /// Back-propagates the gradient of the loss with respect to `logits(...)`'s output.
    public func backwardFromLogits(_ gradient: Tensor) {
        var g = gradient
        for layer in layersBeforeSoftmax.reversed() { g = layer.backward(g) }
    }

    /// Back-propagates the gradient of the loss with respect to `forward(...)`'s output.
    public func backward(_ gradient: Tensor) {
        var g = gradient
        for layer in layers.reversed() { g = layer.backward(g) }
    }

    private var layersBeforeSoftmax: ArraySlice<any Layer> {
        if let last = layers.last, last is Softmax { return layers.dropLast() }
        return layers[...]
    }

    /// Every parameter with its file name, "<layer index>.<name>", in a fixed order.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        layers.enumerated().flatMap { index, layer in
            layer.parameters.map { (name: "\(index).\($0.name)", parameter: $0) }
        }
    }

    public var trainableParameters: [Parameter] { namedParameters.map(\.parameter).filter(\.isTrainable) }

    /// All weights and statistics, counted as Keras counts "Total params".
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.parameter.value.count } }

    /// Floating-point operations of one forward pass of one sample (2 per multiply-accumulate).
    public var flopsPerSample: Int { 2 * layers.reduce(0) { $0 + $1.multiplyAccumulates } }

    /// Promises the weights will not change until the next training step, so layers may cache derived
    /// forms of them (Conv2D's Winograd kernel transforms). Call after loading a model for inference.
    public func prepareForInference() { layers.forEach { $0.prepareForInference() } }

    /// Reseeds every Dropout layer (the trainer does this per batch so runs and resumptions replay exactly).
    public func reseedDropout(_ seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        for case let dropout as Dropout in layers { dropout.generator = generator.split() }
    }

    /// A Keras-like summary table.
    public var summary: String {
        var lines = ["Layer                 Output shape       Params      MACs"]
        for (index, layer) in layers.enumerated() {
            let params = layer.parameters.reduce(0) { $0 + $1.value.count }
            lines.append(pad("\(index) \(layer.spec.kind)", 22) + pad("\(layer.outputShape)", 19)
                         + pad("\(params)", 12) + "\(layer.multiplyAccumulates)")
        }
        lines.append("Total params: \(parameterCount)   FLOPs per sample: \(flopsPerSample)")
        return lines.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

/// A network's shape: input size plus layer list, as saved in model files.
public struct Architecture: Codable, Equatable, Sendable {
    public var inputShape: [Int]
    public var layers: [LayerSpec]

    public init(inputShape: [Int], layers: [LayerSpec]) {
        self.inputShape = inputShape
        self.layers = layers
    }
}
