import NeuralNet

/// The one way faces become a network's input and its outputs become probabilities, shared by the
/// classifier (live view, predict), evaluation and validation during training, so what is measured is
/// what is served. Faces are `side`x`side` gray pixels; with `mirrored`, each face's mirror image follows
/// all the originals in the batch and its probabilities are averaged with the original's.
public enum FaceBatch {
    /// Fills `input` (reshaped to [count · copies, side, side, 1]) with pixel · scale + offset.
    /// `pixels(n)` gives face n's side·side pixels.
    public static func fill(_ input: Tensor, count: Int, side: Int, normalization: InputNormalization, mirrored: Bool,
                            pixels: (Int) -> UnsafePointer<UInt8>) {
        let area = side * side
        input.reshape([count * (mirrored ? 2 : 1), side, side, 1])
        let (scale, offset) = (normalization.scale, normalization.offset)
        for n in 0..<count {
            let source = pixels(n)
            let plain = input.data + n * area
            for i in 0..<area { plain[i] = Float(source[i]) * scale + offset }
            if mirrored {
                let mirror = input.data + (count + n) * area
                for y in 0..<side { for x in 0..<side { mirror[y * side + x] = plain[y * side + side - 1 - x] } }
            }
        }
    }

    /// The probabilities of each of `count` faces from the network's logits for a batch made by `fill`:
    /// softmax of each copy, averaged over the copies, then shifted by the model's decision bias when it has
    /// one (p ∝ p · e^bias, per class in the network's order).
    public static func probabilities(logits: Tensor, count: Int, mirrored: Bool, bias: DecisionBias? = nil) -> [[Float]] {
        let k = logits.sampleCount
        let copies = mirrored ? 2 : 1
        var row = [Float](repeating: 0, count: k)
        return (0..<count).map { n in
            var averaged = [Float](repeating: 0, count: k)
            for copy in 0..<copies {
                row.withUnsafeMutableBufferPointer {
                    Softmax.apply(logits.data + (copy * count + n) * k, rows: 1, columns: k, into: $0.baseAddress!)
                }
                for j in 0..<k { averaged[j] += row[j] / Float(copies) }
            }
            return bias?.apply(to: averaged) ?? averaged
        }
    }
}
