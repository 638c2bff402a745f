/// How large a network Emoscope agrees to build. An architecture comes from a file (a model's metadata, a
/// Keras model.json), so it may ask for anything: 2^62 filters, a million-pixel-square input. Every size
/// is computed here with overflow-checked arithmetic before any layer allocates, and a network beyond the
/// limits is refused with the layer at fault named.
public enum NetworkLimits {
    /// Weights and statistics: 800 MB of Float32, hundreds of times the largest Emoscope network.
    public static let maximumParameters = 200_000_000
    /// Values of any one tensor of one sample (a layer's output or a convolution's column matrix).
    public static let maximumValuesPerTensor = 50_000_000
    /// Values of all layer outputs of one sample together (each layer keeps its own output buffer).
    public static let maximumActivationsPerSample = 200_000_000
    /// Multiply-accumulates of one sample's forward pass: beyond this a single face would take minutes.
    public static let maximumMultiplyAccumulates = 50_000_000_000

    /// The checked totals of a network that fits.
    public struct Totals: Equatable, Sendable {
        public var parameters = 0
        public var activationsPerSample = 0
        public var multiplyAccumulatesPerSample = 0
        public var outputShape: [Int] = []
    }

    /// Walks the layers as `Sequential` would build them, throwing `NetworkError.invalidArchitecture`
    /// ("layer 3 (Conv2D): …") for a size that is not positive, overflows or exceeds a limit.
    /// `inputs` gives a graph's edges as `Network` takes them (nil: a chain).
    @discardableResult
    public static func check(inputShape: [Int], layers specs: [LayerSpec], inputs: [[Int]]? = nil) throws -> Totals {
        guard !inputShape.isEmpty, inputShape.count <= 8, inputShape.allSatisfy({ $0 > 0 }) else {
            throw NetworkError.invalidArchitecture("input shape \(inputShape)")
        }
        var totals = Totals()
        var shape = inputShape
        var shapes: [[Int]] = []
        let inputValues = try product(shape, "input shape \(inputShape)")
        guard inputValues <= maximumValuesPerTensor else {
            throw NetworkError.invalidArchitecture("input shape \(inputShape) has \(inputValues) values, more than \(maximumValuesPerTensor)")
        }
        for (index, spec) in specs.enumerated() {
            do {
                let sources = inputs.map { $0[index] } ?? [index - 1]
                let given = sources.map { $0 < 0 ? inputShape : shapes[$0] }
                let cost: Cost
                if spec.isMerge {
                    shape = try merged(spec, given)
                    cost = Cost(macs: try product([shape.reduce(1, *), given.count], "the sum"))
                } else {
                    guard given.count == 1 else { throw limit("takes one input, not \(given.count)") }
                    shape = given[0]
                    cost = try step(spec, &shape)
                }
                totals.parameters = try add(totals.parameters, cost.parameters, "the parameter count")
                totals.multiplyAccumulatesPerSample = try add(totals.multiplyAccumulatesPerSample, cost.macs, "the work per sample")
                let values = try product(shape, "output shape \(shape)")
                totals.activationsPerSample = try add(totals.activationsPerSample, values, "the activations per sample")
                guard totals.parameters <= maximumParameters else {
                    throw limit("brings the network to \(totals.parameters) parameters, more than \(maximumParameters)")
                }
                guard values <= maximumValuesPerTensor, cost.scratch <= maximumValuesPerTensor else {
                    throw limit("needs \(max(values, cost.scratch)) values per sample in one tensor (output \(shape)), more than \(maximumValuesPerTensor)")
                }
                guard totals.activationsPerSample <= maximumActivationsPerSample else {
                    throw limit("brings the activations of one sample to \(totals.activationsPerSample) values, more than \(maximumActivationsPerSample)")
                }
                guard totals.multiplyAccumulatesPerSample <= maximumMultiplyAccumulates else {
                    throw limit("brings one sample's forward pass to \(totals.multiplyAccumulatesPerSample) multiply-accumulates, more than \(maximumMultiplyAccumulates)")
                }
                shapes.append(shape)
            } catch let error as NetworkError {
                throw NetworkError.invalidArchitecture("layer \(index) (\(spec.kind)): \(error.message)")
            }
        }
        totals.outputShape = shape
        return totals
    }

    /// The output shape where branches join.
    private static func merged(_ spec: LayerSpec, _ given: [[Int]]) throws -> [Int] {
        guard let first = given.first, !first.isEmpty else { throw limit("has no input") }
        if spec == .add || spec == .ensembleMean {
            guard given.allSatisfy({ $0 == first }) else { throw limit("needs inputs of one shape, got \(given)") }
            return first
        }
        guard given.allSatisfy({ $0.count == first.count && $0.dropLast() == first.dropLast() }) else {
            throw limit("needs inputs that differ only in the last axis, got \(given)")
        }
        return first.dropLast() + [try given.reduce(0) { try add($0, $1.last!, "the channel count") }]
    }

    private struct Cost {
        var parameters = 0, macs = 0, scratch = 0
    }

    /// The layer's output shape (written to `shape`) and what it costs.
    private static func step(_ spec: LayerSpec, _ shape: inout [Int]) throws -> Cost {
        func image() throws -> (Int, Int, Int) {
            guard shape.count == 3 else { throw limit("needs an image input [height, width, channels], got \(shape)") }
            return (shape[0], shape[1], shape[2])
        }
        switch spec {
        case let .conv2D(filters, kernel, strides, padding, useBias):
            let (h, w, c) = try image()
            guard filters > 0, kernel.count == 2, kernel.allSatisfy({ $0 > 0 }), strides > 0 else {
                throw limit("filters \(filters), kernel \(kernel) and strides \(strides) must be positive")
            }
            let (outH, outW) = try windowOutput(h, w, kernel[0], kernel[1], strides, padding: padding, what: "kernel")
            let taps = try product([kernel[0], kernel[1], c], "kernel \(kernel) on \(c) channels")
            let weights = try product([taps, filters], "a kernel of \(taps) taps and \(filters) filters")
            let pixels = try product([outH, outW], "output \(outH)x\(outW)")
            shape = [outH, outW, filters]
            return Cost(parameters: try add(weights, useBias ? filters : 0, "the weights"),
                        macs: try product([weights, pixels], "the convolution's work"),
                        scratch: try product([taps, pixels], "the column matrix"))
        case .batchNorm:
            return Cost(parameters: try product([4, shape.last ?? 0], "4 statistics per channel"))
        case .relu, .dropout, .softmax, .add, .concatenate, .ensembleMean:
            return Cost()
        case let .depthwiseConv2D(kernel, strides, padding, multiplier, useBias):
            let (h, w, c) = try image()
            guard multiplier > 0, kernel.count == 2, kernel.allSatisfy({ $0 > 0 }), strides > 0 else {
                throw limit("depth multiplier \(multiplier), kernel \(kernel) and strides \(strides) must be positive")
            }
            let (outH, outW) = try windowOutput(h, w, kernel[0], kernel[1], strides, padding: padding, what: "kernel")
            let channels = try product([c, multiplier], "\(c) channels times \(multiplier)")
            let weights = try product([kernel[0], kernel[1], channels], "a kernel \(kernel) on \(channels) channels")
            shape = [outH, outW, channels]
            return Cost(parameters: try add(weights, useBias ? channels : 0, "the weights"),
                        macs: try product([weights, outH, outW], "the convolution's work"))
        case let .separableConv2D(filters, kernel, strides, padding, useBias):
            var depthwise = shape
            let first = try step(.depthwiseConv2D(kernel: kernel, strides: strides, padding: padding, depthMultiplier: 1,
                                                  useBias: false), &depthwise)
            shape = depthwise
            let second = try step(.conv2D(filters: filters, kernel: [1, 1], strides: 1, padding: .valid, useBias: useBias), &shape)
            return Cost(parameters: try add(first.parameters, second.parameters, "the weights"),
                        macs: try add(first.macs, second.macs, "the convolution's work"), scratch: second.scratch)
        case let .maxPoolSame(size, strides):
            let (h, w, c) = try image()
            guard size > 0, strides > 0 else { throw limit("size \(size) and strides \(strides) must be positive") }
            shape = [(h - 1) / strides + 1, (w - 1) / strides + 1, c]
            return Cost()
        case let .maxPool(size, strides), let .averagePool(size, strides):
            let (h, w, c) = try image()
            guard size > 0, strides > 0 else { throw limit("size \(size) and strides \(strides) must be positive") }
            let (outH, outW) = try windowOutput(h, w, size, size, strides, padding: .valid, what: "pool size")
            shape = [outH, outW, c]
            return Cost()
        case .globalAveragePool:
            let (_, _, c) = try image()
            shape = [c]
            return Cost()
        case .flatten:
            shape = [try product(shape, "flattening \(shape)")]
            return Cost()
        case let .cropping2D(top, bottom, left, right):
            let (h, w, c) = try image()
            guard min(top, bottom, left, right) >= 0, top < h - bottom, left < w - right else {
                throw limit("cropping \(top), \(bottom), \(left), \(right) leaves nothing of a \(h)x\(w) input")
            }
            shape = [h - top - bottom, w - left - right, c]
            return Cost()
        case let .dense(units, useBias):
            guard shape.count == 1 else { throw limit("needs a flat input, got \(shape); add a Flatten") }
            guard units > 0 else { throw limit("units \(units) must be positive") }
            let weights = try product([shape[0], units], "\(shape[0]) inputs by \(units) units")
            shape = [units]
            return Cost(parameters: try add(weights, useBias ? units : 0, "the weights"), macs: weights)
        }
    }

    /// Output size of a window sliding over h x w, computed without overflow for any positive sizes.
    private static func windowOutput(_ h: Int, _ w: Int, _ kh: Int, _ kw: Int, _ strides: Int,
                                     padding: LayerSpec.Padding, what: String) throws -> (Int, Int) {
        switch padding {
        case .same:
            return ((h - 1) / strides + 1, (w - 1) / strides + 1)
        case .valid:
            guard h >= kh, w >= kw else { throw limit("\(what) \(kh)x\(kw) is larger than its \(h)x\(w) input") }
            return ((h - kh) / strides + 1, (w - kw) / strides + 1)
        }
    }

    private static func product(_ factors: [Int], _ what: String) throws -> Int {
        var result = 1
        for factor in factors {
            let (next, overflow) = result.multipliedReportingOverflow(by: factor)
            guard !overflow else { throw limit("\(what) is impossibly large") }
            result = next
        }
        return result
    }

    private static func add(_ a: Int, _ b: Int, _ what: String) throws -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw limit("\(what) is impossibly large") }
        return sum
    }

    private static func limit(_ message: String) -> NetworkError { .invalidArchitecture(message) }
}

extension NetworkError {
    /// The message without the "invalid architecture:" prefix, for wrapping in another message.
    var message: String {
        switch self {
        case .invalidArchitecture(let message), .shapeMismatch(let message): message
        }
    }
}
