import NeuralNet

/// Runs a network over labelled faces in inference mode and tallies the results.
public enum Evaluation {
    public struct Result: Sendable {
        public var confusion: ConfusionMatrix
        /// Mean cross-entropy of the (averaged) predictions.
        public var loss: Double
        /// Per face, in the order scored: whether the prediction was right (for paired comparisons).
        public var right: [Bool] = []
        public var accuracy: Double { confusion.accuracy }
    }

    /// The probabilities of every face, batch by batch through `FaceBatch`: in the network's class order, or
    /// in Emotion order when `outputOrder` gives the network's output index for each emotion. Faces are
    /// resized to the network's input side when it is not the dataset's 48 (as `Classifier` resizes them);
    /// each face's probabilities are averaged over its test-time views.
    public static func probabilities(_ network: Network, on faces: LabeledFaces, normalization: InputNormalization,
                                     tta: TestTimeAugmentation = .none, bias: DecisionBias? = nil, outputOrder: [Int]? = nil,
                                     batchSize: Int = 256) -> [[Float]] {
        let side = network.inputShape[0], area = side * side
        network.prepareForInference()
        let input = Tensor(shape: [0])
        var result: [[Float]] = []
        result.reserveCapacity(faces.count)
        var start = 0
        while start < faces.count {
            let count = min(batchSize, faces.count - start)
            let pixels = side == LabeledFaces.side
                ? faces.pixels
                : (start..<(start + count)).flatMap { faces.face($0).resized(width: side, height: side).pixels }
            let first = side == LabeledFaces.side ? start : 0
            pixels.withUnsafeBufferPointer { pixels in
                FaceBatch.fill(input, count: count, side: side, normalization: normalization, tta: tta) {
                    pixels.baseAddress! + (first + $0) * area
                }
            }
            let logits = network.logits(input, training: false)
            let batch = FaceBatch.probabilities(logits: logits, count: count, tta: tta, bias: bias)
            result += outputOrder.map { order in batch.map { row in order.map { row[$0] } } } ?? batch
            start += count
        }
        return result
    }

    /// Accuracy, confusion matrix and loss; the network's classes must be in `Emotion.allCases` order, or
    /// `outputOrder` maps them (see `probabilities`).
    public static func run(_ network: Network, on faces: LabeledFaces, normalization: InputNormalization,
                           tta: TestTimeAugmentation = .none, bias: DecisionBias? = nil, outputOrder: [Int]? = nil,
                           batchSize: Int = 256) -> Result {
        let all = probabilities(network, on: faces, normalization: normalization, tta: tta, bias: bias,
                                outputOrder: outputOrder, batchSize: batchSize)
        return score(all, on: faces, classCount: outputOrder?.count ?? network.outputShape[0])
    }

    /// Accuracy, confusion matrix and loss of probabilities already computed, one row per face in
    /// `Emotion.allCases` order.
    public static func score(_ all: [[Float]], on faces: LabeledFaces, classCount: Int = Emotion.allCases.count) -> Result {
        var confusion = ConfusionMatrix(classCount: classCount)
        var totalLoss = 0.0
        var right: [Bool] = []
        for (n, p) in all.enumerated() {
            let truth = faces.labels[n].rawValue
            let prediction = p.indices.max { p[$0] < p[$1] }!
            confusion.add(truth: truth, prediction: prediction)
            right.append(prediction == truth)
            totalLoss -= Double(log(max(p[truth], 1e-12)))
        }
        return Result(confusion: confusion, loss: faces.count == 0 ? 0 : totalLoss / Double(faces.count), right: right)
    }
}

#if canImport(Glibc)
import Glibc
#endif
