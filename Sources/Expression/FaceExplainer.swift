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
    /// One explainer per member of an ensemble (`ModelEnsemble`), else one for the network.
    private let cams: [GradCAM]
    private let isEnsemble: Bool
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
        // An ensemble's members come apart as networks of their own (its weights shared, never its buffers).
        let members = Ensemble.members(of: model.network, sharingWeights: true)
        let networks = try members ?? [classifier.independentCopy(tta: .none).model.network]
        do { cams = try networks.map { network throws(GradCAM.Problem) in try GradCAM(network: network) } } catch {
            throw ModelFileError(classifier.modelURL ?? URL(fileURLWithPath: classifier.modelName),
                                 "cannot be explained: \(error)")
        }
        isEnsemble = members != nil
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

    public var inputSide: Int { cams[0].network.inputShape[0] }

    /// Softmax of one row of logits, computed as the network's own Softmax computes it.
    private static func softmax(_ row: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: row.count)
        row.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { Softmax.apply(x.baseAddress!, rows: 1, columns: row.count, into: $0.baseAddress!) }
        }
        return out
    }

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
        // The class is the classifier's prediction (softmax, flip average, decision bias), chosen before backward.
        func decide(_ logits: [[Float]]) -> [Int] {
            let tensor = Tensor(shape: [logits.count, logits[0].count], values: Array(logits.joined()))
            let averaged = FaceBatch.probabilities(logits: tensor, count: 1, tta: averagesFlip ? .flip : .none, bias: bias)[0]
            probabilities = outputIndex.map { averaged[$0] }
            emotion = wanted ?? Emotion(rawValue: probabilities.indices.max { probabilities[$0] < probabilities[$1] }!)!
            return [Int](repeating: outputIndex[emotion.rawValue], count: copies)
        }
        // Each copy's map at the input's size: an ensemble's is its members' maps, each weighted by the
        // member's share of the class's probability (a member surer of it carries more of the evidence).
        var maps: [[Float]]
        if isEnsemble {
            // Each member runs forward on a core of its own (as the classifier runs them on small batches),
            // then the ensemble's logits, log of the members' mean probability (as `EnsembleMean`), decide the
            // class, and each member goes back from it.
            var passes = [GradCAM.Pass?](repeating: nil, count: cams.count)
            passes.withUnsafeMutableBufferPointer { slots in
                Compute.parallelTasks(cams.count) { m in slots[m] = cams[m].forward(input) }
            }
            var mean = [[Float]](repeating: [Float](repeating: 0, count: passes[0]!.logits[0].count), count: copies)
            for pass in passes {
                for copy in 0..<copies {
                    let share = Self.softmax(pass!.logits[copy])
                    for c in share.indices { mean[copy][c] += share[c] / Float(cams.count) }
                }
            }
            let classes = decide(mean.map { $0.map { logf(max($0, .leastNormalMagnitude)) } })
            var explained = [[(Float, [Float])]](repeating: [], count: cams.count)
            explained.withUnsafeMutableBufferPointer { slots in
                Compute.parallelTasks(cams.count) { m in
                    let cam = cams[m], pass = passes[m]!, memberMaps = cam.maps(of: pass, classes: classes)
                    slots[m] = (0..<copies).map { copy in
                        (Self.softmax(pass.logits[copy])[classes[copy]],
                         cam.stretched(memberMaps[copy], toHeight: side, toWidth: side))
                    }
                }
            }
            maps = (0..<copies).map { copy in
                let total = explained.reduce(0) { $0 + $1[copy].0 }
                var map = [Float](repeating: 0, count: side * side)
                for member in explained {
                    let weight = total > 0 ? member[copy].0 / total : 1 / Float(explained.count)
                    for i in map.indices { map[i] += weight * member[copy].1[i] }
                }
                return map
            }
        } else {
            let cam = cams[0]
            maps = cam.maps(input, choosing: decide).maps.map { cam.stretched($0, toHeight: side, toWidth: side) }
        }
        var sum = [Float](repeating: 0, count: side * side)
        for (copy, full) in maps.enumerated() {
            for y in 0..<side {
                for x in 0..<side { sum[y * side + x] += full[y * side + (copy == 1 ? side - 1 - x : x)] }
            }
        }
        let peak = sum.max() ?? 0
        let heat = peak > 0 ? sum.map { $0 / peak } : sum
        return Explanation(emotion: emotion, probabilities: probabilities, heat: heat, side: side)
    }
}
