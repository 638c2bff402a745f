/// The serialisable description of a layer: what the model file stores as its architecture.
public enum LayerSpec: Codable, Equatable, Sendable {
    public enum Padding: String, Codable, Sendable { case same, valid }

    case conv2D(filters: Int, kernel: [Int], strides: Int, padding: Padding, useBias: Bool)
    case batchNorm(epsilon: Float, momentum: Float)
    case relu
    case maxPool(size: Int, strides: Int)
    case averagePool(size: Int, strides: Int)
    case globalAveragePool
    case dropout(rate: Float)
    case flatten
    case dense(units: Int, useBias: Bool)
    case softmax
    /// One kernel per input channel (`depthMultiplier` of them), no mixing of channels.
    case depthwiseConv2D(kernel: [Int], strides: Int, padding: Padding, depthMultiplier: Int, useBias: Bool)
    /// A depthwise convolution then a 1x1 convolution to `filters` channels, as Keras's SeparableConv2D.
    case separableConv2D(filters: Int, kernel: [Int], strides: Int, padding: Padding, useBias: Bool)
    /// Max pooling with TensorFlow's `same` padding (windows clipped at the border).
    case maxPoolSame(size: Int, strides: Int)
    /// The sum of several inputs of one shape (graphs only).
    case add
    /// Several inputs joined along the channel axis (graphs only).
    case concatenate
    /// An ensemble's join: log of the mean of its members' softmax probabilities (graphs only; `EnsembleMean`).
    case ensembleMean
    /// Rows and columns cut from an image's edges, as Keras's Cropping2D: the network sees only the rest.
    case cropping2D(top: Int, bottom: Int, left: Int, right: Int)

    /// Keras defaults: BatchNormalization(epsilon=1e-3, momentum=0.99).
    public static func batchNorm() -> LayerSpec { .batchNorm(epsilon: 1e-3, momentum: 0.99) }
    public static func conv(_ filters: Int, _ kernel: Int, strides: Int = 1, padding: Padding = .same,
                            useBias: Bool = true) -> LayerSpec {
        .conv2D(filters: filters, kernel: [kernel, kernel], strides: strides, padding: padding, useBias: useBias)
    }
    public static func dense(_ units: Int) -> LayerSpec { .dense(units: units, useBias: true) }

    /// Short human-readable name, as in a model summary.
    public var kind: String {
        switch self {
        case .conv2D: "Conv2D"
        case .batchNorm: "BatchNorm"
        case .relu: "ReLU"
        case .maxPool: "MaxPool2D"
        case .averagePool: "AveragePool2D"
        case .globalAveragePool: "GlobalAveragePool"
        case .dropout: "Dropout"
        case .flatten: "Flatten"
        case .dense: "Dense"
        case .softmax: "Softmax"
        case .depthwiseConv2D: "DepthwiseConv2D"
        case .separableConv2D: "SeparableConv2D"
        case .maxPoolSame: "MaxPool2D(same)"
        case .add: "Add"
        case .concatenate: "Concatenate"
        case .ensembleMean: "EnsembleMean"
        case .cropping2D: "Cropping2D"
        }
    }

    /// Whether the layer takes several inputs (a graph node where branches join).
    public var isMerge: Bool {
        switch self {
        case .add, .concatenate, .ensembleMean: true
        default: false
        }
    }

    /// Builds the layer for its inputs' shapes: one for most layers, any number for `add` and `concatenate`.
    public func makeLayer(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> any Layer {
        guard let first = inputShapes.first else { throw NetworkError.invalidArchitecture("\(kind) has no input") }
        switch self {
        case .add:
            guard inputShapes.allSatisfy({ $0 == first }) else {
                throw NetworkError.invalidArchitecture("Add needs inputs of one shape, got \(inputShapes)")
            }
            return Add(inputShape: first, inputCount: inputShapes.count)
        case .concatenate:
            guard inputShapes.allSatisfy({ $0.count == first.count && $0.dropLast() == first.dropLast() && !$0.isEmpty }) else {
                throw NetworkError.invalidArchitecture("Concatenate needs inputs that differ only in the last axis, got \(inputShapes)")
            }
            return Concatenate(inputShapes: inputShapes)
        case .ensembleMean:
            guard first.count == 1, inputShapes.allSatisfy({ $0 == first }) else {
                throw NetworkError.invalidArchitecture("EnsembleMean needs flat inputs of one shape (the members' logits), got \(inputShapes)")
            }
            return EnsembleMean(inputShape: first, inputCount: inputShapes.count)
        default:
            guard inputShapes.count == 1 else {
                throw NetworkError.invalidArchitecture("\(kind) takes one input, not \(inputShapes.count)")
            }
            return try makeLayer(inputShape: first, generator: &generator)
        }
    }

    /// Builds the layer for one sample's input shape, initialising weights from `generator`.
    public func makeLayer(inputShape: [Int], generator: inout SeededGenerator) throws -> any Layer {
        func requireImage() throws -> (Int, Int, Int) {
            guard inputShape.count == 3 else {
                throw NetworkError.invalidArchitecture("\(kind) needs an image input [height, width, channels], got \(inputShape)")
            }
            return (inputShape[0], inputShape[1], inputShape[2])
        }
        switch self {
        case let .conv2D(filters, kernel, strides, padding, useBias):
            let (h, w, c) = try requireImage()
            guard filters > 0, kernel.count == 2, kernel.allSatisfy({ $0 > 0 }), strides > 0 else {
                throw NetworkError.invalidArchitecture("Conv2D with filters \(filters), kernel \(kernel), strides \(strides)")
            }
            if padding == .valid && (h < kernel[0] || w < kernel[1]) {
                throw NetworkError.invalidArchitecture("Conv2D kernel \(kernel) is larger than its \(h)x\(w) input")
            }
            return Conv2D(inputShape: [h, w, c], filters: filters, kernel: (kernel[0], kernel[1]), strides: strides,
                          padding: padding, useBias: useBias, generator: &generator)
        case let .batchNorm(epsilon, momentum):
            guard epsilon > 0, momentum >= 0, momentum < 1 else {
                throw NetworkError.invalidArchitecture("BatchNorm epsilon \(epsilon), momentum \(momentum)")
            }
            return BatchNorm(inputShape: inputShape, epsilon: epsilon, momentum: momentum)
        case .relu:
            return ReLU(inputShape: inputShape)
        case let .maxPool(size, strides):
            let (h, w, c) = try requireImage()
            guard size > 0, strides > 0, h >= size, w >= size else {
                throw NetworkError.invalidArchitecture("MaxPool2D size \(size) on a \(h)x\(w) input")
            }
            return Pool2D(inputShape: [h, w, c], size: size, strides: strides, mode: .max)
        case let .averagePool(size, strides):
            let (h, w, c) = try requireImage()
            guard size > 0, strides > 0, h >= size, w >= size else {
                throw NetworkError.invalidArchitecture("AveragePool2D size \(size) on a \(h)x\(w) input")
            }
            return Pool2D(inputShape: [h, w, c], size: size, strides: strides, mode: .average)
        case .globalAveragePool:
            let (h, w, c) = try requireImage()
            return GlobalAveragePool(inputShape: [h, w, c])
        case let .dropout(rate):
            guard rate >= 0, rate < 1 else { throw NetworkError.invalidArchitecture("Dropout rate \(rate)") }
            return Dropout(inputShape: inputShape, rate: rate, seed: generator.next())
        case .flatten:
            return Flatten(inputShape: inputShape)
        case let .dense(units, useBias):
            guard inputShape.count == 1 else {
                throw NetworkError.invalidArchitecture("Dense needs a flat input, got \(inputShape); add a Flatten")
            }
            guard units > 0 else { throw NetworkError.invalidArchitecture("Dense with \(units) units") }
            return Dense(inputCount: inputShape[0], units: units, useBias: useBias, generator: &generator)
        case .softmax:
            guard inputShape.count == 1 else { throw NetworkError.invalidArchitecture("Softmax needs a flat input") }
            return Softmax(inputShape: inputShape)
        case let .depthwiseConv2D(kernel, strides, padding, multiplier, useBias):
            let (h, w, c) = try requireImage()
            try Self.checkWindow(kind, kernel, strides, padding, h, w, extra: multiplier)
            return DepthwiseConv2D(inputShape: [h, w, c], kernel: (kernel[0], kernel[1]), strides: strides,
                                   padding: padding, depthMultiplier: multiplier, useBias: useBias, generator: &generator)
        case let .separableConv2D(filters, kernel, strides, padding, useBias):
            let (h, w, c) = try requireImage()
            try Self.checkWindow(kind, kernel, strides, padding, h, w, extra: filters)
            return SeparableConv2D(inputShape: [h, w, c], filters: filters, kernel: (kernel[0], kernel[1]),
                                   strides: strides, padding: padding, useBias: useBias, generator: &generator)
        case let .maxPoolSame(size, strides):
            let (h, w, c) = try requireImage()
            guard size > 0, strides > 0 else { throw NetworkError.invalidArchitecture("MaxPool2D size \(size), strides \(strides)") }
            return Pool2D(inputShape: [h, w, c], size: size, strides: strides, mode: .max, padding: .same)
        case let .cropping2D(top, bottom, left, right):
            let (h, w, c) = try requireImage()
            guard min(top, bottom, left, right) >= 0, top < h - bottom, left < w - right else {
                throw NetworkError.invalidArchitecture("Cropping2D of \(top), \(bottom), \(left), \(right) on a \(h)x\(w) input")
            }
            return Cropping2D(inputShape: [h, w, c], top: top, bottom: bottom, left: left, right: right)
        case .add, .concatenate, .ensembleMean:
            return try makeLayer(inputShapes: [inputShape], generator: &generator)
        }
    }
}

extension LayerSpec {
    /// A kernel of two positive sizes that fits its input (for `valid`), positive strides and a positive `extra`
    /// (filters or depth multiplier).
    static func checkWindow(_ kind: String, _ kernel: [Int], _ strides: Int, _ padding: Padding, _ h: Int, _ w: Int,
                            extra: Int) throws {
        guard extra > 0, kernel.count == 2, kernel.allSatisfy({ $0 > 0 }), strides > 0 else {
            throw NetworkError.invalidArchitecture("\(kind) with kernel \(kernel), strides \(strides), size \(extra)")
        }
        if padding == .valid && (h < kernel[0] || w < kernel[1]) {
            throw NetworkError.invalidArchitecture("\(kind) kernel \(kernel) is larger than its \(h)x\(w) input")
        }
    }
}

public enum NetworkError: Error, CustomStringConvertible, Equatable {
    case invalidArchitecture(String)
    case shapeMismatch(String)

    public var description: String {
        switch self {
        case .invalidArchitecture(let message): "invalid architecture: \(message)"
        case .shapeMismatch(let message): "shape mismatch: \(message)"
        }
    }
}
