/// A layer that takes several inputs (a graph node with more than one incoming edge): `Add`, `Concatenate`.
///
/// As a plain `Layer` it is called with one input, which it treats as a list of one.
public protocol MergeLayer: Layer {
    func forward(_ inputs: [Tensor], training: Bool) -> Tensor
    /// The gradient with respect to each input, in input order. A returned tensor may be shared between
    /// inputs and belongs to the layer; callers only read it.
    func backwardToInputs(_ outputGradient: Tensor) -> [Tensor]
}

extension MergeLayer {
    public func forward(_ input: Tensor, training: Bool) -> Tensor { forward([input], training: training) }
    public func backward(_ outputGradient: Tensor) -> Tensor { backwardToInputs(outputGradient)[0] }
}
