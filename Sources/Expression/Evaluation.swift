import NeuralNet

/// Runs a network over labelled faces in inference mode and tallies the results.
public enum Evaluation {
    public struct Result: Sendable {
        public var confusion: ConfusionMatrix
        /// Mean cross-entropy of the (averaged) predictions.
        public var loss: Double
        public var accuracy: Double { confusion.accuracy }
    }

    /// The probabilities of every face, in the network's class order, batch by batch through `FaceBatch`;
    /// with `flip`, each face's are averaged with its mirror image's.
    public static func probabilities(_ network: Sequential, on faces: LabeledFaces, normalization: InputNormalization,
                                     flip: Bool = false, bias: DecisionBias? = nil, batchSize: Int = 256) -> [[Float]] {
        let side = LabeledFaces.side, area = side * side
        network.prepareForInference()
        let input = Tensor(shape: [0])
        var result: [[Float]] = []
        result.reserveCapacity(faces.count)
        var start = 0
        while start < faces.count {
            let count = min(batchSize, faces.count - start)
            faces.pixels.withUnsafeBufferPointer { pixels in
                FaceBatch.fill(input, count: count, side: side, normalization: normalization, mirrored: flip) {
                    pixels.baseAddress! + (start + $0) * area
                }
            }
            let logits = network.logits(input, training: false)
            result += FaceBatch.probabilities(logits: logits, count: count, mirrored: flip, bias: bias)
            start += count
        }
        return result
    }

    /// Accuracy, confusion matrix and loss; the network's classes must be in `Emotion.allCases` order.
    public static func run(_ network: Sequential, on faces: LabeledFaces, normalization: InputNormalization,
                           flip: Bool = false, bias: DecisionBias? = nil, batchSize: Int = 256) -> Result {
        let all = probabilities(network, on: faces, normalization: normalization, flip: flip, bias: bias, batchSize: batchSize)
        return score(all, on: faces, classCount: network.outputShape[0])
    }

    /// Accuracy, confusion matrix and loss of probabilities already computed, one row per face in
    /// `Emotion.allCases` order.
    public static func score(_ all: [[Float]], on faces: LabeledFaces, classCount: Int = Emotion.allCases.count) -> Result {
        var confusion = ConfusionMatrix(classCount: classCount)
        var totalLoss = 0.0
        for (n, p) in all.enumerated() {
            let truth = faces.labels[n].rawValue
            let prediction = p.indices.max { p[$0] < p[$1] }!
            confusion.add(truth: truth, prediction: prediction)
            totalLoss -= Double(log(max(p[truth], 1e-12)))
        }
        return Result(confusion: confusion, loss: faces.count == 0 ? 0 : totalLoss / Double(faces.count))
    }
}

#if canImport(Glibc)
import Glibc
#endif
