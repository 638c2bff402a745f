import Foundation
import Imaging
import NeuralNet

/// Why the classifier calls a face what it does: a heat map over the face of where the evidence for the
/// predicted emotion lies (`GradCAM` on the network's last convolutional block), on a copy of the
/// classifier's network so it never waits for, or disturbs, the classifier's own buffers.
///
/// Faces go in as the classifier takes them (resized to the network's input; with flip averaging, the map of
/// the mirror image is mirrored back and averaged in). Not thread-safe: one thread at a time.
public final class FaceExplainer: @unchecked Sendable {
    public struct Explanation: Sendable, Equatable {
        /// The emotion explained (the prediction, unless another was asked for).
        public let emotion: Emotion
        /// The 7 probabilities, as the classifier gives them.
        public let probabilities: [Float]
        /// side x side values in 0...1 (1 = the strongest evidence), row-major over the face as given.
        public let heat: [Float]
        public let side: Int
    }

    public let modelName: String
    /// How the classifier frames a detected face box (the region to crop and explain in a photo).
    public let framing: FaceFraming
    private let cam: GradCAM
    private let normalization: InputNormalization
    private let preprocessing: FacePreprocessing
    private let averagesFlip: Bool
    private let outputIndex: [Int]
    private let bias: DecisionBias?
    private let input = Tensor(shape: [0])

    /// A clear error when the model has nothing convolutional to explain (names the model and why).
    public init(classifier: Classifier) throws {
        let model = classifier.model
        // A network of its own: the classifier's buffers belong to the thread that classifies.
        let copy = try classifier.independentCopy(tta: .none).model.network
        do { cam = try GradCAM(network: copy) } catch {
            throw ModelFileError(classifier.modelURL ?? URL(fileURLWithPath: classifier.modelName),
                                 "cannot be explained: \(error)")
        }
        modelName = classifier.modelName
        framing = classifier.framing
        normalization = model.normalization
        preprocessing = classifier.preprocessing
        // Maps are averaged over the face and its mirror image; the crops of `--tta crops` are explained
        // as that pair (a map per zoomed crop would have to be warped back first).
        averagesFlip = classifier.tta != .none
        outputIndex = classifier.outputIndex
        bias = DecisionBias(notes: model.notes, classes: model.classNames.count)
    }

    public var inputSide: Int { cam.network.inputShape[0] }

    /// The map for `face` (any size; the map has the network's input side) and `emotion`, else the predicted one.
    public func explain(_ face: GrayImage, emotion wanted: Emotion? = nil) -> Explanation {
        let side = inputSide
        let resized = preprocessing.apply(face.width == side && face.height == side ? face : face.resized(width: side, height: side))
        resized.pixels.withUnsafeBufferPointer { pixels in
            FaceBatch.fill(input, count: 1, side: side, normalization: normalization, tta: averagesFlip ? .flip : .none) { _ in
                pixels.baseAddress!
            }
        }
        let copies = averagesFlip ? 2 : 1
        var probabilities: [Float] = [], emotion = Emotion.neutral
        let (maps, _, _) = cam.maps(input) { logits in
            // The class is the classifier's prediction (softmax, flip average, decision bias), chosen before backward.
            let tensor = Tensor(shape: [logits.count, logits[0].count], values: Array(logits.joined()))
            let averaged = FaceBatch.probabilities(logits: tensor, count: 1, tta: averagesFlip ? .flip : .none, bias: bias)[0]
            probabilities = outputIndex.map { averaged[$0] }
            emotion = wanted ?? Emotion(rawValue: probabilities.indices.max { probabilities[$0] < probabilities[$1] }!)!
            return [Int](repeating: outputIndex[emotion.rawValue], count: copies)
        }
        let (h, w) = (cam.mapHeight, cam.mapWidth)
        var sum = [Float](repeating: 0, count: side * side)
        for (copy, map) in maps.enumerated() {
            let full = GradCAM.upsample(map, height: h, width: w, toHeight: side, toWidth: side)
            for y in 0..<side {
                for x in 0..<side { sum[y * side + x] += full[y * side + (copy == 1 ? side - 1 - x : x)] }
            }
        }
        let peak = sum.max() ?? 0
        let heat = peak > 0 ? sum.map { $0 / peak } : sum
        return Explanation(emotion: emotion, probabilities: probabilities, heat: heat, side: side)
    }
}
