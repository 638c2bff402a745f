/// Updates parameters from their gradients. State (moments, step count) can be saved and restored so a
/// resumed run continues exactly.
public protocol Optimizer: AnyObject {
    var learningRate: Float { get set }
    /// Number of updates made so far.
    var step: Int { get set }
    func update(_ parameters: [Parameter])
    /// Named state tensors for checkpoints, created on first use.
    func stateTensors(for parameters: [Parameter]) -> [(name: String, tensor: Tensor)]
}
