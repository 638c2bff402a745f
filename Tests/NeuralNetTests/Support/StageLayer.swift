@testable import NeuralNet

/// One stage of a chain (`Network.stages`: a BatchNorm folded with its ReLU, and its max pool) as a layer, for
/// the checks written for layers (finite differences). Its parameters are the stage's first layer's.
final class StageLayer: Layer {
    let network: Network
    let stage: Range<Int>
    var needsInputGradient = true
    init(_ network: Network, _ stage: Range<Int>) { (self.network, self.stage) = (network, stage) }
    var spec: LayerSpec { network.layers[stage.lowerBound].spec }
    var outputShape: [Int] { network.layers[stage.upperBound - 1].outputShape }
    var parameters: [Parameter] { network.layers[stage.lowerBound].parameters }
    func forward(_ input: Tensor, training: Bool) -> Tensor { network.forward(stage, input, training: training) }
    func backward(_ outputGradient: Tensor) -> Tensor { network.backward(stage, outputGradient) }
}
