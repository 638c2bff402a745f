import NeuralNet

/// One Keras layer of model.json as Emoscope builds it: the layer specs it becomes (a Conv2D with
/// `activation="relu"` becomes two) and, for layers with weights, the Keras variables in saved order.
struct KerasLayer {
    /// The variables Keras saves for a layer, in order, by their Keras (and Emoscope parameter) names.
    enum Variable: String {
        case kernel, bias, gamma, beta
        case movingMean = "moving_mean"
        case movingVariance = "moving_variance"
        case depthwiseKernel = "depthwise_kernel"
        case pointwiseKernel = "pointwise_kernel"
    }

    let name: String
    let className: String
    let specs: [LayerSpec]
    let variables: [Variable]
}
