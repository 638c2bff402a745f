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
