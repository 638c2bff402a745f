import Imaging
import NeuralNet

/// The one way faces become a network's input and its outputs become probabilities, shared by the
/// classifier (live view, predict), evaluation and validation during training, so what is measured is
/// what is served. Faces are `side`x`side` gray pixels; each test-time view of every face goes into one
/// batch (view v of face n at row v·count + n) and each face's probabilities are averaged over its views.
public enum FaceBatch {
    /// Fills `input` (reshaped to [count · views, side, side, 1]) with pixel · scale + offset.
    /// `pixels(n)` gives face n's side·side pixels.
    public static func fill(_ input: Tensor, count: Int, side: Int, normalization: InputNormalization,
                            tta: TestTimeAugmentation, pixels: (Int) -> UnsafePointer<UInt8>) {
        let area = side * side
        let views = tta.views(side: side)
        input.reshape([count * views.count, side, side, 1])
        let evens = tta.evenedRepeat != nil
        for n in 0..<count {
            let source = pixels(n)
            let evened = evens
                ? TestTimeAugmentation.evened(GrayImage(width: side, height: side,
                                                        pixels: Array(UnsafeBufferPointer(start: source, count: area)))).pixels
                : []
            evened.withUnsafeBufferPointer { evened in
                for (v, view) in views.enumerated() {
                    Augmentation.warp(view.evenedContrast ? evened.baseAddress! : source, side: side,
                                      flipped: view.flipped, zoom: view.zoom, shiftX: view.shiftX, shiftY: view.shiftY,
                                      normalization: normalization, into: input.data + (v * count + n) * area)
                }
            }
        }
    }

    /// The probabilities of each of `count` faces from the network's logits for a batch made by `fill`:
    /// softmax of each view, shifted by the model's decision bias when it has one (p ∝ p · e^bias, per class
    /// in the network's order: the softmax of logits + bias, as an exported ONNX graph computes it), averaged
    /// over the views.
    public static func probabilities(logits: Tensor, count: Int, tta: TestTimeAugmentation,
                                     bias: DecisionBias? = nil) -> [[Float]] {
        let k = logits.sampleCount
        let copies = logits.shape[0] / max(1, count)
        precondition(copies == tta.viewCount, "logits hold \(copies) views of each face, not \(tta.viewCount)")
        var row = [Float](repeating: 0, count: k)
        return (0..<count).map { n in
            var averaged = [Float](repeating: 0, count: k)
            for copy in 0..<copies {
                row.withUnsafeMutableBufferPointer {
                    Softmax.apply(logits.data + (copy * count + n) * k, rows: 1, columns: k, into: $0.baseAddress!)
                }
                if let bias { row = bias.apply(to: row) }
                for j in 0..<k { averaged[j] += row[j] / Float(copies) }
            }
            return averaged
        }
    }
}
