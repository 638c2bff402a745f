/// A network layer: a value you call on a batch, with a hand-written backward pass.
///
/// Shaped after Swift for TensorFlow's `Layer` (layers are called with `callAsFunction`), but layers are
/// classes that own their output and gradient buffers so a training step allocates nothing.
/// `forward` must be called before `backward`; `backward` sets the gradients of `parameters` (it does not
/// accumulate) and returns the gradient with respect to the input.
public protocol Layer: AnyObject {
    /// The description this layer is built from and saved as.
    var spec: LayerSpec { get }
    /// Shape of one sample's output for one sample's input shape (no batch dimension).
    var outputShape: [Int] { get }
    /// Learned weights and saved statistics, in a fixed order.
    var parameters: [Parameter] { get }
    /// When false, `backward` may skip computing the input gradient (the first layer of a network).
    var needsInputGradient: Bool { get set }
    /// Multiply-accumulate operations for one sample.
    var multiplyAccumulates: Int { get }

    func forward(_ input: Tensor, training: Bool) -> Tensor
    func backward(_ outputGradient: Tensor) -> Tensor
    /// A promise that the weights will not change until the next training step: a layer may then cache
    /// what it derives from them. Training (forward with `training: true`, or backward) ends the promise.
    func prepareForInference()
}

extension Layer {
    public func callAsFunction(_ input: Tensor) -> Tensor { forward(input, training: false) }
    public var parameters: [Parameter] { [] }
    public var multiplyAccumulates: Int { 0 }
    public func prepareForInference() {}
}
