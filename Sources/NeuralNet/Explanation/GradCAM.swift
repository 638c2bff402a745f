/// Where in the input a network finds the evidence for a class: a class-activation map over the output of
/// its last convolutional block, from the network's own backward pass.
///
/// The map is the positive part of Σ_channels (∂logit/∂A) ⊙ A at each position of that block's output A
/// (gradient times activation, position by position: "HiResCAM"). Classic Grad-CAM first averages each
/// channel's gradient over the positions; that lights every place where a channel fires, even places the
/// class logit never reads, so it is not used. For a head that averages the positions globally (a global
/// average pool, then dense layers), the two are the same map.
///
/// Uses only `Sequential.layers` and their `forward`/`backward` (inference forwards: BatchNorm and pooling
/// differentiate the inference map). Owns no buffers but the layers', so one explainer per network copy,
/// called from one thread at a time.
public struct GradCAM {
    /// The network explained; its layers' buffers are used, so it must not be shared with another thread.
    public let network: Sequential
    /// The layer whose output the map covers (the end of the last convolutional block).
    public let layerIndex: Int
    /// Height and width of the map (that layer's output).
    public let mapHeight, mapWidth: Int
    /// The part of the input the map covers, as fractions of its height and width: all of it, unless a
    /// Cropping2D before the explained layer cut some edges away.
    public let covered: (top: Double, bottom: Double, left: Double, right: Double)

    public enum Problem: Error, CustomStringConvertible, Equatable {
        case noConvolution
        case notSpatial(shape: [Int])
        case noClassOutput(shape: [Int])
        case notAChain

        public var description: String {
            switch self {
            case .noConvolution: "it has no convolutional layer, so there is no picture-shaped layer to explain"
            case let .notSpatial(shape):
                "its last convolutional block gives \(shape), not a map of positions (height x width x channels)"
            case let .noClassOutput(shape): "it gives \(shape) per input, not one score per class"
            case .notAChain: "its layers after the last convolutional block branch or join, which the map cannot follow back"
            }
        }
    }

    /// Explains the output of the last convolutional block: the last Conv2D and the layers right after it that
    /// keep its shape (BatchNorm, ReLU, Dropout), i.e. the activated features before pooling.
    public init(network: Sequential) throws(Problem) {
        guard let conv = network.layers.lastIndex(where: { $0 is Conv2D }) else { throw .noConvolution }
        var index = conv
        while index + 1 < network.layers.count, network.layers[index + 1].outputShape == network.layers[conv].outputShape {
            index += 1
        }
        try self.init(network: network, layerIndex: index)
    }

    public init(network: Sequential, layerIndex: Int) throws(Problem) {
        let shape = network.layers[layerIndex].outputShape
        guard shape.count == 3, shape[0] * shape[1] > 1 else { throw .notSpatial(shape: shape) }
        guard network.outputShape.count == 1, layerIndex + 1 < network.layers.count else {
            throw .noClassOutput(shape: network.outputShape)
        }
        // Below the explained layer a graph may branch and join (its forward pass is the network's own); above
        // it the gradient is followed back layer by layer, so those layers must form a chain.
        guard network.inputs[(layerIndex + 1)...].enumerated().allSatisfy({ $1 == [layerIndex + $0] }) else {
            throw .notAChain
        }
        self.network = network
        self.layerIndex = layerIndex
        (mapHeight, mapWidth) = (shape[0], shape[1])
        var region = (top: 0.0, bottom: 1.0, left: 0.0, right: 1.0)
        var size = network.inputShape
        for layer in network.layers[...layerIndex] {
            if case let .cropping2D(top, bottom, left, right) = layer.spec, size.count == 3 {
                let (h, w) = (Double(size[0]), Double(size[1]))
                let (spanY, spanX) = (region.bottom - region.top, region.right - region.left)
                region = (region.top + spanY * Double(top) / h, region.bottom - spanY * Double(bottom) / h,
                          region.left + spanX * Double(left) / w, region.right - spanX * Double(right) / w)
            }
            size = layer.outputShape
        }
        covered = region
    }

    /// A map stretched over the whole input at outHeight x outWidth: bilinearly over the part it covers
    /// (`covered`), zero where the network never looked.
    public func stretched(_ map: [Float], toHeight outHeight: Int, toWidth outWidth: Int) -> [Float] {
        let rows = Int((covered.top * Double(outHeight)).rounded())..<Int((covered.bottom * Double(outHeight)).rounded())
        let columns = Int((covered.left * Double(outWidth)).rounded())..<Int((covered.right * Double(outWidth)).rounded())
        guard !rows.isEmpty, !columns.isEmpty else { return [Float](repeating: 0, count: outHeight * outWidth) }
        let window = Self.upsample(map, height: mapHeight, width: mapWidth, toHeight: rows.count, toWidth: columns.count)
        var out = [Float](repeating: 0, count: outHeight * outWidth)
        for (y, row) in rows.enumerated() {
            for (x, column) in columns.enumerated() { out[row * outWidth + column] = window[y * columns.count + x] }
        }
        return out
    }

    /// One map per sample of `input`, each mapHeight·mapWidth values ≥ 0 (row-major), for class `classes[n]`
    /// of sample n; and the logits (before any final Softmax) of each sample.
    public func maps(_ input: Tensor, classes: [Int]) -> (maps: [[Float]], logits: [[Float]]) {
        let result = maps(input) { _ in classes }
        return (result.maps, result.logits)
    }

    /// As `maps(_:classes:)`, with the classes chosen from the logits (e.g. each sample's prediction) in
    /// the same forward pass.
    public func maps(_ input: Tensor, choosing choose: ([[Float]]) -> [Int])
        -> (maps: [[Float]], logits: [[Float]], classes: [Int]) {
        let pass = forward(input)
        let classes = choose(pass.logits)
        return (maps(of: pass, classes: classes), pass.logits, classes)
    }

    /// The forward half of a map: the network's inference forward pass, its logits, and the explained
    /// layer's output kept for `maps(of:classes:)`. Splitting the two lets several networks (an ensemble's
    /// members) run forward, agree on a class, then go backward. Valid until this network runs again.
    public struct Pass {
        /// Each sample's logits (before any final Softmax).
        public let logits: [[Float]]
        fileprivate let activations: Tensor
    }

    public func forward(_ input: Tensor) -> Pass {
        let layers = network.layers
        var x = network.run(input, through: layerIndex + 1, training: false)
        let activations = x
        for layer in layers[(layerIndex + 1)..<headEnd] { x = layer.forward(x, training: false) }
        let batch = x.batchSize, k = x.sampleCount
        let logits = (0..<batch).map { n in Array(UnsafeBufferPointer(start: x.data + n * k, count: k)) }
        return Pass(logits: logits, activations: activations)
    }

    /// The backward half: one map per sample of the last `forward`, for class `classes[n]` of sample n.
    public func maps(of pass: Pass, classes: [Int]) -> [[Float]] {
        let layers = network.layers
        let batch = pass.logits.count, k = pass.logits.first?.count ?? 0
        precondition(classes.count == batch && classes.allSatisfy((0..<k).contains),
                     "GradCAM.maps: classes \(classes) for \(batch) samples of \(k) classes")
        // d(logit of the class)/d(logits): one-hot, then back down to the explained layer.
        var gradient = Tensor(shape: [batch, k])
        for (n, c) in classes.enumerated() { gradient[n * k + c] = 1 }
        for layer in layers[(layerIndex + 1)..<headEnd].reversed() { gradient = layer.backward(gradient) }
        let activations = pass.activations
        let positions = mapHeight * mapWidth, channels = activations.sampleCount / positions
        return (0..<batch).map { n in
            (0..<positions).map { p in
                let base = (n * positions + p) * channels
                var sum: Float = 0
                for c in 0..<channels { sum += gradient[base + c] * activations[base + c] }
                return max(sum, 0)
            }
        }
    }

    /// The end of the layers whose output is the logits: all of them, but a final Softmax.
    private var headEnd: Int { network.layers.last is Softmax ? network.layers.count - 1 : network.layers.count }

    /// A mapHeight x mapWidth map stretched over a width x height picture, bilinearly between the centres of
    /// its cells (as the cells cover the picture: cell centres at (i + ½)·scale).
    public static func upsample(_ map: [Float], height: Int, width: Int, toHeight outHeight: Int,
                                toWidth outWidth: Int) -> [Float] {
        var out = [Float](repeating: 0, count: outHeight * outWidth)
        func axis(_ i: Int, _ inCount: Int, _ outCount: Int) -> (Int, Int, Float) {
            let position = (Float(i) + 0.5) * Float(inCount) / Float(outCount) - 0.5
            let clamped = min(max(position, 0), Float(inCount - 1))
            let low = Int(clamped.rounded(.down)), high = min(low + 1, inCount - 1)
            return (low, high, clamped - Float(low))
        }
        for y in 0..<outHeight {
            let (y0, y1, fy) = axis(y, height, outHeight)
            for x in 0..<outWidth {
                let (x0, x1, fx) = axis(x, width, outWidth)
                let top = map[y0 * width + x0] * (1 - fx) + map[y0 * width + x1] * fx
                let bottom = map[y1 * width + x0] * (1 - fx) + map[y1 * width + x1] * fx
                out[y * outWidth + x] = top * (1 - fy) + bottom * fy
            }
        }
        return out
    }
}
