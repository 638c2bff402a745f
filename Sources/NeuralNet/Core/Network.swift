/// A network of layers: a chain (what Emoscope trains) or a directed acyclic graph, where a layer may take
/// several inputs (`Add`, `Concatenate`) and an output may feed several layers (Keras Functional models).
///
/// `layers` are the graph's nodes in an order where every layer comes after its inputs; `inputs[i]` lists
/// the nodes layer i reads, each the index of an earlier layer or `Network.networkInput` (−1). The last layer
/// is the output, and every other layer feeds a later one. A chain has `inputs[i] == [i − 1]`.
public final class Network {
    /// The node index that stands for the network's input in `inputs`.
    public static let networkInput = -1

    /// One sample's input shape, e.g. [48, 48, 1].
    public let inputShape: [Int]
    public let layers: [any Layer]
    /// For each layer, the nodes it reads, in order (`Add`, `Concatenate` read several).
    public let inputs: [[Int]]
    /// True when each layer reads only the one before it (then `architecture.inputs` is nil).
    public let isChain: Bool
    /// Per node, a gradient sum for nodes that feed several layers; reused between steps.
    private let gradientSums: [Tensor]
    /// The BatchNorm + ReLU + max pool stages, by the index of their BatchNorm.
    private let poolingFolds: [Int: BatchNormReLUMaxPool]
    /// Per node, whether the next node reads it alone and nothing else reads it: the two can run as one stage.
    private let feedsOnlyNext: [Bool]
    /// A graph's independent branches before the join they all end in, where it has them (an ensemble's
    /// members): small batches run them side by side, one core each.
    let branches: Branches?

    /// Nodes 0..<join split into branches that read only the network's input and their own nodes (each in
    /// order); the join and every node after it read only nodes from the join on, or the branches' ends.
    struct Branches {
        let nodes: [[Int]]
        let join: Int
    }

    /// Whether `run` may run a graph's branches side by side (tests switch it off to compare the two ways).
    public var runsBranchesSideBySide = true

    /// Told after each stage `run` (backward: false) and `propagate` (true) go through, on the thread that ran
    /// it: for profiles, which switch `runsBranchesSideBySide` off to time stages one after another.
    public var stageFinished: ((_ stage: Range<Int>, _ backward: Bool) -> Void)?

    /// Batches of at most this many samples (the live view's three faces and their mirror images among them)
    /// run a graph's branches side by side however many there are: their layers are too little work to split.
    static let largestBatchForAnyBranches = 8

    /// How many branches `run` runs side by side for a batch of `batch` samples (0: layer by layer), for
    /// benchmarks to say which path ran.
    public func branchesSideBySide(batch: Int) -> Int {
        guard let branches, runsBranchesSideBySide(branches, batch: batch) else { return 0 }
        return branches.nodes.count
    }

    /// Side by side, one core per branch: for small batches, and for any batch when the branches share the
    /// cores evenly (two members on two cores finished a batch of 64 sooner so). Otherwise each layer runs on
    /// all cores, which keeps them busy with uneven branches.
    private func runsBranchesSideBySide(_ branches: Branches, batch: Int) -> Bool {
        guard runsBranchesSideBySide, Compute.threads > 1 else { return false }
        return batch <= Self.largestBatchForAnyBranches || branches.nodes.count % Compute.threads == 0
    }

    public init(inputShape: [Int], layers specs: [LayerSpec], inputs edges: [[Int]]? = nil, seed: UInt64 = 0) throws {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw NetworkError.invalidArchitecture("input shape \(inputShape)")
        }
        guard !specs.isEmpty else { throw NetworkError.invalidArchitecture("no layers") }
        let edges = edges ?? specs.indices.map { [$0 - 1] }
        try Self.checkEdges(edges, specs)
        // Sizes come from files: all are checked before the first layer allocates anything.
        try NetworkLimits.check(inputShape: inputShape, layers: specs, inputs: edges)
        var generator = SeededGenerator(seed: seed)
        var built: [any Layer] = []
        for (index, spec) in specs.enumerated() {
            do {
                let shapes = edges[index].map { $0 < 0 ? inputShape : built[$0].outputShape }
                let layer = try spec.makeLayer(inputShapes: shapes, generator: &generator)
                // Nothing needs the gradient with respect to the network's input.
                if edges[index].allSatisfy({ $0 < 0 }) { layer.needsInputGradient = false }
                built.append(layer)
            } catch let error as NetworkError {
                throw NetworkError.invalidArchitecture("layer \(index) (\(spec.kind)): \(error)")
            }
        }
        self.inputShape = inputShape
        layers = built
        inputs = edges
        isChain = edges.enumerated().allSatisfy { $1 == [$0 - 1] }
        gradientSums = specs.map { _ in Tensor(shape: [0]) }
        var readers = [Int](repeating: 0, count: edges.count)
        for sources in edges { for source in sources where source >= 0 { readers[source] += 1 } }
        let feedsOnlyNext = edges.indices.map { $0 + 1 < edges.count && readers[$0] == 1 && edges[$0 + 1] == [$0] }
        var folds: [Int: BatchNormReLUMaxPool] = [:]
        for index in built.indices.dropLast(2) where feedsOnlyNext[index] && feedsOnlyNext[index + 1] {
            folds[index] = BatchNormReLUMaxPool(built[index], built[index + 1], built[index + 2])
        }
        poolingFolds = folds
        self.feedsOnlyNext = feedsOnlyNext
        branches = isChain ? nil : Self.findBranches(edges)
    }

    /// The branches of a graph, or nil when it has fewer than two: the earliest merge node after which no
    /// node reads one before it is the join, and the nodes before it fall into branches by the edges among them.
    static func findBranches(_ edges: [[Int]]) -> Branches? {
        guard let join = edges.indices.first(where: { j in
            edges[j].count > 1 && edges[(j + 1)...].allSatisfy { $0.allSatisfy { $0 >= j } }
        }) else { return nil }
        var root = Array(0..<join)
        func find(_ node: Int) -> Int {
            var node = node
            while root[node] != node { root[node] = root[root[node]]; node = root[node] }
            return node
        }
        for node in 0..<join { for source in edges[node] where source >= 0 { root[find(node)] = find(source) } }
        var groups: [Int: [Int]] = [:]
        for node in 0..<join { groups[find(node), default: []].append(node) }
        guard groups.count > 1 else { return nil }
        return Branches(nodes: groups.values.sorted { $0[0] < $1[0] }, join: join)
    }

    public convenience init(_ architecture: Architecture, seed: UInt64 = 0) throws {
        try self.init(inputShape: architecture.inputShape, layers: architecture.layers, inputs: architecture.inputs,
                      seed: seed)
    }

    /// Every edge points to an earlier layer or the input (so there is no cycle), merge layers alone read
    /// several nodes, and every layer but the last feeds a later one.
    static func checkEdges(_ edges: [[Int]], _ specs: [LayerSpec]) throws {
        guard edges.count == specs.count else {
            throw NetworkError.invalidArchitecture("\(specs.count) layers but inputs for \(edges.count)")
        }
        var feeds = [Bool](repeating: false, count: specs.count)
        for (index, sources) in edges.enumerated() {
            guard !sources.isEmpty else { throw NetworkError.invalidArchitecture("layer \(index) (\(specs[index].kind)) has no input") }
            guard sources.count == 1 || specs[index].isMerge else {
                throw NetworkError.invalidArchitecture("layer \(index) (\(specs[index].kind)) takes one input, not \(sources.count)")
            }
            for source in sources {
                guard source >= networkInput, source < index else {
                    throw NetworkError.invalidArchitecture("layer \(index) (\(specs[index].kind)) reads node \(source), which does not come before it (a cycle, or layers out of order)")
                }
                if source >= 0 { feeds[source] = true }
            }
        }
        if let unused = feeds.dropLast().firstIndex(of: false) {
            throw NetworkError.invalidArchitecture("layer \(unused) (\(specs[unused].kind)) feeds no other layer and is not the output")
        }
    }

    public var architecture: Architecture {
        Architecture(inputShape: inputShape, layers: layers.map(\.spec), inputs: isChain ? nil : inputs)
    }
    public var outputShape: [Int] { layers.last!.outputShape }

    /// Runs every layer. The returned tensor belongs to the last layer and is overwritten by the next call.
    public func forward(_ input: Tensor, training: Bool = false) -> Tensor {
        run(input, through: layers.count, training: training)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { forward(input, training: false) }

    /// Runs every layer but a final Softmax: the logits a cross-entropy loss wants.
    public func logits(_ input: Tensor, training: Bool) -> Tensor {
        run(input, through: countBeforeSoftmax, training: training)
    }

    /// Back-propagates the gradient of the loss with respect to `logits(...)`'s output.
    public func backwardFromLogits(_ gradient: Tensor) { propagate(gradient, from: countBeforeSoftmax) }

    /// Back-propagates the gradient of the loss with respect to `forward(...)`'s output.
    public func backward(_ gradient: Tensor) { propagate(gradient, from: layers.count) }

    /// Layers before a final Softmax. Every layer feeds the output, so the Softmax's input is the layer just
    /// before it.
    public var countBeforeSoftmax: Int { layers.last is Softmax ? layers.count - 1 : layers.count }

    /// Runs layers 0..<count and returns the last one's output.
    public func run(_ input: Tensor, through count: Int, training: Bool) -> Tensor {
        if isChain {
            return stages(through: count).reduce(input) { x, stage in
                defer { stageFinished?(stage, false) }
                return forward(stage, x, training: training)
            }
        }
        var outputs = [Tensor?](repeating: nil, count: count)
        let stages = stages(through: count)
        var start = 0
        if let branches, count > branches.join, runsBranchesSideBySide(branches, batch: input.batchSize) {
            let stageAt = Dictionary(uniqueKeysWithValues: stages.map { ($0.lowerBound, $0) })
            // Each branch writes only its own nodes' slots; a stage's nodes are consecutive in one branch.
            outputs.withUnsafeMutableBufferPointer { slots in
                let slots = UncheckedSendable(slots)
                Compute.parallelTasks(branches.nodes.count) { branch in
                    var next = 0
                    for index in branches.nodes[branch] where index >= next {
                        let stage = stageAt[index]!
                        runStage(stage, input, slots.value, training: training)
                        next = stage.upperBound
                    }
                }
            }
            start = branches.join
        }
        outputs.withUnsafeMutableBufferPointer { slots in
            for stage in stages where stage.lowerBound >= start { runStage(stage, input, slots, training: training) }
        }
        return outputs[count - 1]!
    }

    /// Runs one stage of a graph on its first node's sources; only its last node's output is kept (the
    /// others are read by the next node alone).
    private func runStage(_ stage: Range<Int>, _ input: Tensor, _ outputs: UnsafeMutableBufferPointer<Tensor?>,
                          training: Bool) {
        let first = stage.lowerBound
        let sources = inputs[first].map { $0 < 0 ? input : outputs[$0]! }
        if stage.count > 1 {
            outputs[stage.upperBound - 1] = forward(stage, sources[0], training: training)
        } else if let merge = layers[first] as? any MergeLayer {
            outputs[first] = merge.forward(sources, training: training)
        } else {
            outputs[first] = layers[first].forward(sources[0], training: training)
        }
        stageFinished?(stage, false)
    }

    /// How `run` and `propagate` go through layers 0..<count: one layer at a time, but a BatchNorm followed by
    /// a ReLU as one stage, one pass over the activations each way (the same values as two), and with a 2x2
    /// max pool after them as one stage too (`BatchNormReLUMaxPool`); in a graph, where nothing else reads
    /// the nodes inside the stage.
    public func stages(through count: Int) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var index = 0
        while index < count {
            let length = index + 2 < count && poolingFolds[index] != nil ? 3
                : index + 1 < count && feedsOnlyNext[index] && layers[index] is BatchNorm && layers[index + 1] is ReLU ? 2 : 1
            result.append(index..<(index + length))
            index = result.last!.upperBound
        }
        return result
    }

    /// Runs one stage of `stages(through:)` on its input.
    public func forward(_ stage: Range<Int>, _ input: Tensor, training: Bool) -> Tensor {
        if stage.count == 3, let fold = poolingFolds[stage.lowerBound] { return fold.forward(input, training: training) }
        guard stage.count == 2, let norm = layers[stage.lowerBound] as? BatchNorm, let relu = layers[stage.upperBound - 1] as? ReLU else {
            return stage.reduce(input) { x, index in layers[index].forward(x, training: training) }
        }
        return norm.forward(input, training: training, rectifiedBy: relu)
    }

    /// Back-propagates through one stage (after its forward): the gradient with respect to its input.
    public func backward(_ stage: Range<Int>, _ gradient: Tensor) -> Tensor {
        if stage.count == 3, let fold = poolingFolds[stage.lowerBound] { return fold.backward(gradient) }
        guard stage.count == 2, let norm = layers[stage.lowerBound] as? BatchNorm, let relu = layers[stage.upperBound - 1] as? ReLU else {
            return stage.reversed().reduce(gradient) { g, index in layers[index].backward(g) }
        }
        return norm.backward(gradient, rectifiedBy: relu)
    }

    /// Back-propagates `gradient`, the gradient with respect to layer count − 1's output, through layers
    /// 0..<count (after a `run` through the same count). A node that feeds several layers gets the sum.
    public func propagate(_ gradient: Tensor, from count: Int) {
        if isChain {
            _ = stages(through: count).reversed().reduce(gradient) { g, stage in
                defer { stageFinished?(stage, true) }
                return backward(stage, g)
            }
            return
        }
        var readers = [Int](repeating: 0, count: count)
        for sources in inputs[..<count] { for source in sources where source >= 0 { readers[source] += 1 } }
        var gradients = [Tensor?](repeating: nil, count: count)
        var pending = readers
        gradients[count - 1] = gradient
        // A stage's inner nodes get no gradient of their own: only the next node of the stage reads them.
        let stageEndingAt = Dictionary(uniqueKeysWithValues: stages(through: count).map { ($0.upperBound - 1, $0) })
        for index in stride(from: count - 1, through: 0, by: -1) {
            guard let g = gradients[index] else { continue }
            let stage = stageEndingAt[index]!
            let toInputs: [Tensor]
            if stage.count > 1 {
                toInputs = [backward(stage, g)]
            } else if let merge = layers[index] as? any MergeLayer {
                toInputs = merge.backwardToInputs(g)
            } else {
                toInputs = [layers[index].backward(g)]
            }
            stageFinished?(stage, true)
            for (source, sourceGradient) in zip(inputs[stage.lowerBound], toInputs) where source >= 0 {
                if readers[source] == 1 {
                    gradients[source] = sourceGradient
                } else if pending[source] == readers[source] {
                    gradientSums[source].copy(from: sourceGradient)
                    gradients[source] = gradientSums[source]
                } else {
                    let sum = gradientSums[source].data, add = UnsafePointer(sourceGradient.data)
                    for i in 0..<sourceGradient.count { sum[i] += add[i] }
                }
                pending[source] -= 1
            }
        }
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

    /// A Keras-like summary table; a graph's adds the nodes each layer reads ("in" for the network input).
    public var summary: String {
        var lines = ["Layer                 Output shape       Params      MACs" + (isChain ? "" : "        Inputs")]
        for (index, layer) in layers.enumerated() {
            let params = layer.parameters.reduce(0) { $0 + $1.value.count }
            let reads = isChain ? "" : pad("", max(0, 10 - "\(layer.multiplyAccumulates)".count))
                + inputs[index].map { $0 < 0 ? "in" : "\($0)" }.joined(separator: ", ")
            lines.append(pad("\(index) \(layer.spec.kind)", 22) + pad("\(layer.outputShape)", 19)
                         + pad("\(params)", 12) + "\(layer.multiplyAccumulates)" + reads)
        }
        lines.append("Total params: \(parameterCount)   FLOPs per sample: \(flopsPerSample)")
        return lines.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
