/// Several classifiers of one input and output shape as one network: each member's layers, without a final
/// Softmax, read the shared input side by side; `EnsembleMean` joins their logits into the logits of their
/// average probability; a Softmax ends it. Saved, loaded, exported and run as any graph network.
public enum Ensemble {
    /// The network averaging `members`' probabilities, with copies of their weights. Members that are
    /// ensembles themselves join as their own members, so an ensemble is never nested.
    public static func combine(_ members: [Network]) throws -> Network {
        let flat = members.flatMap { Self.members(of: $0) ?? [$0] }
        guard flat.count >= 2, let first = flat.first else {
            throw NetworkError.invalidArchitecture("an ensemble needs at least two members, got \(flat.count)")
        }
        for (index, member) in flat.enumerated() {
            guard member.inputShape == first.inputShape, member.outputShape == first.outputShape else {
                throw NetworkError.shapeMismatch("member \(index + 1) maps \(member.inputShape) to \(member.outputShape), "
                                                 + "member 1 \(first.inputShape) to \(first.outputShape)")
            }
            guard member.outputShape.count == 1 else {
                throw NetworkError.invalidArchitecture("member \(index + 1) gives \(member.outputShape), not one score per class")
            }
        }
        var layers: [LayerSpec] = [], inputs: [[Int]] = [], ends: [Int] = []
        for member in flat {
            let count = member.countBeforeSoftmax, offset = layers.count
            layers += member.layers[..<count].map(\.spec)
            inputs += member.inputs[..<count].map { $0.map { $0 < 0 ? $0 : $0 + offset } }
            ends.append(offset + count - 1)
        }
        layers += [.ensembleMean, .softmax]
        inputs += [ends, [layers.count - 2]]
        let ensemble = try Network(inputShape: first.inputShape, layers: layers, inputs: inputs)
        var offset = 0
        for member in flat {
            for index in 0..<member.countBeforeSoftmax {
                copyParameters(from: member.layers[index], to: ensemble.layers[offset + index])
            }
            offset += member.countBeforeSoftmax
        }
        return ensemble
    }

    /// The members of a network `combine` made (each with a Softmax again, and copies of its weights, or with
    /// `sharingWeights` its weights themselves, for networks whose weights no longer change), or nil when the
    /// network is not such an ensemble.
    public static func members(of network: Network, sharingWeights: Bool = false) -> [Network]? {
        let count = network.layers.count
        guard count >= 3, network.layers[count - 1] is Softmax, network.layers[count - 2] is EnsembleMean,
              network.inputs[count - 1] == [count - 2], let branches = network.branches, branches.join == count - 2
        else { return nil }
        // Each member is the branch that ends in one of the join's inputs (a branch's end is its last node):
        // members share no layer, and together they cover all others.
        let ends = network.inputs[count - 2]
        let members = ends.compactMap { end in branches.nodes.first { $0.last == end } }
        guard members.count == ends.count, Set(ends).count == ends.count, members.count == branches.nodes.count
        else { return nil }
        return members.map { nodes in
            let position = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1, $0) })
            let layers = nodes.map { network.layers[$0].spec } + [.softmax]
            let inputs = nodes.map { network.inputs[$0].map { $0 < 0 ? $0 : position[$0]! } } + [[nodes.count - 1]]
            let isChain = inputs.enumerated().allSatisfy { $1 == [$0 - 1] }
            // Built from a network that was built: its specs and shapes are known to be valid.
            let built = try! Network(inputShape: network.inputShape, layers: layers, inputs: isChain ? nil : inputs)
            for (index, node) in nodes.enumerated() {
                for (a, b) in zip(network.layers[node].parameters, built.layers[index].parameters) {
                    if sharingWeights { b.value.share(a.value) } else { b.value.copy(from: a.value) }
                }
            }
            return built
        }
    }

    private static func copyParameters(from source: any Layer, to target: any Layer) {
        for (a, b) in zip(source.parameters, target.parameters) { b.value.copy(from: a.value) }
    }
}
