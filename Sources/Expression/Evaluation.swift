import NeuralNet

/// Runs a network over labelled faces in inference mode and tallies the results.
public enum Evaluation {
    public struct Result: Sendable {
        public var confusion: ConfusionMatrix
        /// Mean cross-entropy of the (averaged) predictions.
        public var loss: Double
        public var accuracy: Double { confusion.accuracy }
    }

    /// With `flip`, each face's probabilities are averaged with its mirror image's.
    public static func run(_ network: Sequential, on faces: LabeledFaces, normalization: InputNormalization,
                           flip: Bool = false, batchSize: Int = 256) -> Result {
        let side = LabeledFaces.side, area = side * side
        let k = network.outputShape[0]
        network.prepareForInference()
        var confusion = ConfusionMatrix(classCount: k)
        var totalLoss = 0.0
        let input = Tensor(shape: [0])
        var probabilities = [Float](repeating: 0, count: k)
        var row = [Float](repeating: 0, count: k)
        var start = 0
        while start < faces.count {
            let count = min(batchSize, faces.count - start)
            let copies = flip ? 2 : 1
            input.reshape([count * copies, side, side, 1])
            faces.pixels.withUnsafeBufferPointer { pixels in
                for n in 0..<count {
                    let source = pixels.baseAddress! + (start + n) * area
                    let plain = input.data + n * area
                    for i in 0..<area { plain[i] = Float(source[i]) * normalization.scale + normalization.offset }
                    if flip {
                        let mirror = input.data + (count + n) * area
                        for y in 0..<side { for x in 0..<side { mirror[y * side + x] = plain[y * side + side - 1 - x] } }
                    }
                }
            }
            let logits = network.logits(input, training: false)
            for n in 0..<count {
                for j in 0..<k { probabilities[j] = 0 }
                for copy in 0..<copies {
                    row.withUnsafeMutableBufferPointer {
                        Softmax.apply(logits.data + (copy * count + n) * k, rows: 1, columns: k, into: $0.baseAddress!)
                    }
                    for j in 0..<k { probabilities[j] += row[j] / Float(copies) }
                }
                let truth = faces.labels[start + n].rawValue
                let prediction = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
                confusion.add(truth: truth, prediction: prediction)
                totalLoss -= Double(log(max(probabilities[truth], 1e-12)))
            }
            start += count
        }
        return Result(confusion: confusion, loss: faces.count == 0 ? 0 : totalLoss / Double(faces.count))
    }
}

#if canImport(Glibc)
import Glibc
#endif
