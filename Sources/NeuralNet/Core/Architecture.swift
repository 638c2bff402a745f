/// A network's shape: input size, layer list and, for a graph, the nodes each layer reads, as saved in
/// model files. `inputs` is nil for a chain, so chains are saved exactly as before graphs existed.
public struct Architecture: Codable, Equatable, Sendable {
    public var inputShape: [Int]
    public var layers: [LayerSpec]
    /// Per layer, the indices of the layers it reads (−1: the network's input); nil for a chain.
    public var inputs: [[Int]]?

    public init(inputShape: [Int], layers: [LayerSpec], inputs: [[Int]]? = nil) {
        self.inputShape = inputShape
        self.layers = layers
        self.inputs = inputs
    }
}
