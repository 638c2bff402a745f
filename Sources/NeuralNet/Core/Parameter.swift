/// A named weight tensor with the gradient of the last backward pass.
public final class Parameter: @unchecked Sendable {
    /// Name within its layer, Keras-style: "kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance".
    public let name: String
    public let value: Tensor
    public let gradient: Tensor
    /// False for statistics that are saved but not learned (BatchNorm's moving averages).
    public let isTrainable: Bool
    /// Whether SGD weight decay applies (kernels yes; biases and BatchNorm parameters no).
    public let decays: Bool

    public init(name: String, value: Tensor, isTrainable: Bool = true, decays: Bool = false) {
        self.name = name
        self.value = value
        self.gradient = Tensor(shape: isTrainable ? value.shape : [0])
        self.isTrainable = isTrainable
        self.decays = decays
    }
}
