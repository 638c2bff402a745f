import Expression
import Foundation
import ModelExchange
import NeuralNet
import TestSupport

/// Small networks with random weights (and random BatchNorm statistics, so normalisation matters), the
/// files they export to, and NeuralNet's own answers to compare the exports with.
enum ONNXTestModels {
    static let classNames = Emotion.allCases.map(\.name)

    /// Every layer kind the exporter knows, on a non-square input so a height/width swap would show.
    static let everyLayer: [LayerSpec] = [
        .conv(6, 3), .batchNorm(), .relu, .cropping2D(top: 1, bottom: 3, left: 2, right: 0),
        .conv2D(filters: 8, kernel: [3, 2], strides: 2, padding: .same, useBias: true), .relu,
        .maxPool(size: 2, strides: 2),
        .conv2D(filters: 8, kernel: [2, 2], strides: 1, padding: .valid, useBias: false), .batchNorm(),
        .averagePool(size: 2, strides: 1), .dropout(rate: 0.3),
        .flatten, .dense(16), .batchNorm(), .relu, .dropout(rate: 0.5), .dense(7), .softmax,
    ]

    /// A network whose end is a global average pool and a Dense without softmax (logits).
    static let globalPool: [LayerSpec] = [
        .conv(8, 5, strides: 2), .relu, .conv(12, 3), .batchNorm(), .relu, .globalAveragePool,
        .dense(units: 7, useBias: false),
    ]

    /// A graph with every graph layer kind: separable and depthwise convolutions (multiplier 1 and 2), `same`
    /// max pooling whose padding is uneven, a three-input Add, Concatenate of images and of flat values, and a
    /// node read by four layers. On 12x10 input, so the pads differ between height and width.
    static let graph: (layers: [LayerSpec], inputs: [[Int]]) = ([
        .conv(4, 3),                                                                                 // 0 ← in
        .relu,                                                                                       // 1 ← 0
        .separableConv2D(filters: 4, kernel: [3, 3], strides: 1, padding: .same, useBias: true),     // 2 ← 1
        .batchNorm(),                                                                                // 3 ← 2
        .maxPoolSame(size: 3, strides: 2),                                                           // 4 ← 3
        .conv(4, 1, strides: 2, padding: .same, useBias: true),                                      // 5 ← 1
        .depthwiseConv2D(kernel: [3, 2], strides: 2, padding: .same, depthMultiplier: 1, useBias: false), // 6 ← 1
        .add,                                                                                        // 7 ← 4, 5, 6
        .depthwiseConv2D(kernel: [3, 3], strides: 2, padding: .same, depthMultiplier: 2, useBias: true), // 8 ← 1
        .concatenate,                                                                                // 9 ← 7, 8
        .maxPoolSame(size: 2, strides: 2),                                                           // 10 ← 9
        .separableConv2D(filters: 6, kernel: [2, 2], strides: 1, padding: .valid, useBias: false),   // 11 ← 10
        .globalAveragePool,                                                                          // 12 ← 11
        .flatten,                                                                                    // 13 ← 10
        .dense(5),                                                                                   // 14 ← 13
        .concatenate,                                                                                // 15 ← 12, 14
        .dense(7),                                                                                   // 16 ← 15
        .softmax,                                                                                    // 17 ← 16
    ], [[-1], [0], [1], [2], [3], [1], [1], [4, 5, 6], [1], [7, 8], [9], [10], [11], [10], [13], [12, 14], [15], [16]])

    static func network(_ layers: [LayerSpec], inputs: [[Int]]? = nil, inputShape: [Int],
                        seed: UInt64) throws -> Sequential {
        let network = try Network(inputShape: inputShape, layers: layers, inputs: inputs, seed: seed)
        var generator = SeededGenerator(seed: seed &+ 99)
        for (_, parameter) in network.namedParameters {
            for i in 0..<parameter.value.count {
                let u = Float(generator.next() % 10_000) / 10_000
                switch parameter.name {
                case "moving_variance": parameter.value.data[i] = 0.2 + 2 * u
                case "gamma": parameter.value.data[i] = 0.5 + u
                case "moving_mean", "beta": parameter.value.data[i] = u - 0.5
                case "bias": parameter.value.data[i] = 0.2 * (u - 0.5)
                default: break
                }
            }
        }
        return network
    }

    /// Deterministic pixels with edges and gradients, `count` images of `height`x`width`.
    static func pixels(count: Int, height: Int, width: Int, seed: UInt64 = 5) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        return (0..<(count * height * width)).map { i in
            let x = i % width, y = (i / width) % height
            return UInt8(truncatingIfNeeded: (x * 11 + y * 7) / 2 + Int(generator.next() % 60))
        }
    }

    /// NeuralNet's softmax probabilities for raw pixels, one row per image (optionally shifted by offsets).
    static func reference(_ network: Sequential, pixels: [UInt8], normalization: InputNormalization,
                          logitOffsets: [Float]? = nil) -> [[Float]] {
        let shape = network.inputShape
        let area = shape.reduce(1, *), count = pixels.count / area
        let input = Tensor(shape: [count] + shape, values: pixels.map { Float($0) * normalization.scale + normalization.offset })
        let logits = network.logits(input, training: false)
        let classes = logits.sampleCount
        return (0..<count).map { n in
            let row = (0..<classes).map { Double(logits[n * classes + $0]) + Double(logitOffsets?[$0] ?? 0) }
            let top = row.max()!
            let exps = row.map { Foundation.exp($0 - top) }
            let total = exps.reduce(0, +)
            return exps.map { Float($0 / total) }
        }
    }

    static func write(_ data: Data, _ name: String) throws -> URL {
        let url = try TestData.temporaryDirectory("onnx").appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    static var shippedModel: URL { TestData.repositoryRoot.appendingPathComponent("Resources/Models/emoscope-compact.safetensors") }
}
