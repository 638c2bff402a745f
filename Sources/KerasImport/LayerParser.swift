import Foundation
import NeuralNet

/// Turns one Keras layer's `config` into Emoscope layer specs, checking every option that changes the
/// computation. Tracks the rank of the data between layers (for BatchNormalization's axis).
struct LayerParser {
    let file: URL
    /// Rank of one sample as it reaches the next layer: 3 for images, 1 after Flatten or Dense.
    var rank: Int

    static let supportedLayers = ["InputLayer", "Conv2D", "BatchNormalization", "Activation", "ReLU", "Softmax",
                                  "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "Dropout",
                                  "Flatten", "Dense", "DepthwiseConv2D", "SeparableConv2D", "Add", "Concatenate",
                                  "Cropping2D"]

    mutating func layer(className: String, name: String, options: [String: Any]) throws -> KerasLayer {
        let layer = Options(file: file, layer: name, kind: className, values: options)
        func made(_ specs: [LayerSpec], _ variables: [KerasLayer.Variable] = []) -> KerasLayer {
            KerasLayer(name: name, className: className, specs: specs, variables: variables)
        }
        switch className {
        case "Conv2D", "Convolution2D":
            try layer.require("data_format", in: ["channels_last"], default: "channels_last")
            try layer.require("dilation_rate", pairOf: 1)
            try layer.require("groups", equals: 1)
            let filters = try layer.int("filters")
            let kernel = try layer.pair("kernel_size")
            let strides = try layer.square("strides", default: 1)
            let padding = try layer.padding(allowed: [.same, .valid])
            let useBias = try layer.bool("use_bias", default: true)
            guard filters > 0, kernel.allSatisfy({ $0 > 0 }), strides > 0 else {
                throw layer.error("filters \(filters), kernel_size \(kernel) and strides \(strides) must be positive")
            }
            return made([.conv2D(filters: filters, kernel: kernel, strides: strides, padding: padding, useBias: useBias)]
                        + (try layer.activation()), useBias ? [.kernel, .bias] : [.kernel])
        case "BatchNormalization":
            // Emoscope normalises over the channel axis only.
            try layer.requireAxis("axis", lastOf: rank)
            for option in ["renorm", "synchronized"] { try layer.require(option, equals: false) }
            for option in ["virtual_batch_size", "adjustment"] where !(options[option] is NSNull || options[option] == nil) {
                throw layer.error("option \(option) is not supported")
            }
            let epsilon = try layer.float("epsilon", default: 1e-3)
            let momentum = try layer.float("momentum", default: 0.99)
            guard epsilon > 0, momentum >= 0, momentum < 1 else {
                throw layer.error("epsilon \(epsilon) must be positive and momentum \(momentum) in [0, 1)")
            }
            let scale = try layer.bool("scale", default: true), center = try layer.bool("center", default: true)
            // Without scale or center Keras saves no gamma or beta; Emoscope's defaults (1 and 0) are the same.
            let variables: [KerasLayer.Variable] = (scale ? [.gamma] : []) + (center ? [.beta] : []) + [.movingMean, .movingVariance]
            return made([.batchNorm(epsilon: epsilon, momentum: momentum)], variables)
        case "Activation":
            return made(try layer.activation())
        case "ReLU":
            try layer.require("max_value", equals: nil)
            for option in ["negative_slope", "threshold"] {
                guard try layer.float(option, default: 0) == 0 else { throw layer.error("option \(option) must be 0") }
            }
            return made([.relu])
        case "Softmax":
            try layer.requireAxis("axis", lastOf: rank)
            return made([.softmax])
        case "MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D":
            try layer.require("data_format", in: ["channels_last"], default: "channels_last")
            let isMax = className.hasPrefix("Max")
            // TensorFlow's `same` pooling is Emoscope's for max pooling only (average would count the padding).
            let padding = try layer.padding(allowed: isMax ? [.valid, .same] : [.valid])
            let size = try layer.square("pool_size", default: 2)
            let strides = options["strides"] is NSNull ? size : try layer.square("strides", default: size)
            if padding == .same { return made([.maxPoolSame(size: size, strides: strides)]) }
            return made([isMax ? .maxPool(size: size, strides: strides) : .averagePool(size: size, strides: strides)])
        case "DepthwiseConv2D", "SeparableConv2D", "SeparableConvolution2D":
            try layer.require("data_format", in: ["channels_last"], default: "channels_last")
            try layer.require("dilation_rate", pairOf: 1)
            let kernel = try layer.pair("kernel_size")
            let strides = try layer.square("strides", default: 1)
            let padding = try layer.padding(allowed: [.same, .valid])
            let useBias = try layer.bool("use_bias", default: true)
            let multiplier = try layer.int("depth_multiplier", default: 1)
            guard kernel.allSatisfy({ $0 > 0 }), strides > 0, multiplier > 0 else {
                throw layer.error("kernel_size \(kernel), strides \(strides) and depth_multiplier \(multiplier) must be positive")
            }
            let bias: [KerasLayer.Variable] = useBias ? [.bias] : []
            if className == "DepthwiseConv2D" {
                return made([.depthwiseConv2D(kernel: kernel, strides: strides, padding: padding, depthMultiplier: multiplier,
                                              useBias: useBias)] + (try layer.activation()), [.depthwiseKernel] + bias)
            }
            guard multiplier == 1 else { throw layer.error("option depth_multiplier \(multiplier) is not supported (only 1)") }
            let filters = try layer.int("filters")
            guard filters > 0 else { throw layer.error("filters \(filters) must be positive") }
            return made([.separableConv2D(filters: filters, kernel: kernel, strides: strides, padding: padding, useBias: useBias)]
                        + (try layer.activation()), [.depthwiseKernel, .pointwiseKernel] + bias)
        case "Add":
            return made([.add])
        case "Concatenate":
            try layer.requireAxis("axis", lastOf: rank)
            return made([.concatenate])
        case "GlobalAveragePooling2D", "GlobalAvgPool2D":
            try layer.require("data_format", in: ["channels_last"], default: "channels_last")
            try layer.require("keepdims", equals: false)
            rank = 1
            return made([.globalAveragePool])
        case "Cropping2D":
            try layer.require("data_format", in: ["channels_last"], default: "channels_last")
            let (top, bottom, left, right) = try layer.cropping("cropping")
            return made([.cropping2D(top: top, bottom: bottom, left: left, right: right)])
        case "Dropout":
            try layer.require("noise_shape", equals: nil)
            return made([.dropout(rate: try layer.float("rate"))])
        case "Flatten":
            try layer.require("data_format", in: ["channels_last"], default: "channels_last")
            rank = 1
            return made([.flatten])
        case "Dense":
            let units = try layer.int("units")
            let useBias = try layer.bool("use_bias", default: true)
            guard units > 0 else { throw layer.error("units \(units) must be positive") }
            return made([.dense(units: units, useBias: useBias)] + (try layer.activation()), useBias ? [.kernel, .bias] : [.kernel])
        default:
            throw KerasImportError(file, layer: name, "layer type \(className) is not supported (supported: "
                                   + Self.supportedLayers.joined(separator: ", ") + ")")
        }
    }

}
