import Imaging
import Foundation
import NeuralNet
import Synchronization

/// An emotion classifier: a model file's network plus the preprocessing it expects.
/// Faces of any size go in; 7 probabilities per face come out, in `Emotion.allCases` order.
///
/// Not thread-safe (the network reuses its buffers): call it from one thread at a time, e.g. the viewer's
/// inference worker.
public final class Classifier: @unchecked Sendable {
    public let model: ModelFile
    public let modelURL: URL?
    /// Which views of each face are averaged (test-time augmentation).
    public var tta: TestTimeAugmentation
    /// The most images (faces times views) one forward pass takes; more faces are classified in turns, so the
    /// network's buffers, which grow to the largest batch they have run, stay that size. Nil: all faces in one
    /// pass (eval and the browser, for speed).
    public var largestBatch: Int?
    /// Model class index for each Emotion, so a file with another class order still maps correctly.
    let outputIndex: [Int]
    /// What the model's faces go through before normalisation (from its notes).
    public let preprocessing: FacePreprocessing
    private let input = Tensor(shape: [0])
    /// Identifies what this classifier computes, for caches of its answers: a hash of every weight and
    /// statistic, the class order, the input normalisation, the notes (the decision bias) and the augmentation.
    /// Computed on first use (the browser's cache), not at every start. (Optional only to match
    /// `EmotionClassifying`, whose test doubles have none.)
    public var fingerprint: UInt64? {
        let views = tta
        return fingerprints.withLock { known in
            if known[views] == nil { known[views] = Self.fingerprint(of: model, tta: views) }
            return known[views]
        }
    }
    private let fingerprints = Mutex<[TestTimeAugmentation: UInt64]>([:])

    public convenience init(model: ModelFile, url: URL? = nil, tta: TestTimeAugmentation = .flip) throws {
        try self.init(model: model, url: url, tta: tta, probes: true)
    }

    /// `probes`: run the model on three plain faces to refuse one that gives NaN. A copy of a classifier that
    /// passed skips it, so that its buffers and kernel transforms are made only when it is first used.
    private init(model: ModelFile, url: URL?, tta: TestTimeAugmentation, probes: Bool) throws {
        guard let indices = Emotion.outputIndices(for: model.classNames) else {
            let missing = Emotion.allCases.filter { emotion in !model.classNames.contains { Emotion(folderName: $0) == emotion } }
            throw ModelFileError(url ?? URL(fileURLWithPath: "model"),
                                 "its classes \(model.classNames) do not include \(missing.map(\.name).joined(separator: ", "))")
        }
        guard model.network.inputShape.count == 3, model.network.inputShape[2] == 1 else {
            throw ModelFileError(url ?? URL(fileURLWithPath: "model"),
                                 "its input \(model.network.inputShape) is not a one-channel image")
        }
        preprocessing = try model.facePreprocessing(file: url)
        self.model = model
        modelURL = url
        self.tta = tta
        outputIndex = indices
        model.network.prepareForInference()
        guard probes else { return }
        // Weights that are each finite can still overflow together (a scale of 3e38): a model that gives
        // NaN for plain gray faces would give NaN for every face, so it is refused here, once.
        let probes = [0, 128, 255].map { GrayImage(width: inputSide, height: inputSide, fill: $0) }
        guard probabilities(for: probes).joined().allSatisfy(\.isFinite) else {
            throw ModelFileError(url ?? URL(fileURLWithPath: "model"),
                                 "it gives NaN or infinite probabilities: its weights or normalisation are damaged")
        }
    }

    public convenience init(contentsOf url: URL, tta: TestTimeAugmentation = .flip) throws {
        try self.init(model: ModelFile.load(url), url: url, tta: tta)
    }

    /// FNV-1a over the model's numbers and settings (every byte of every parameter, eight at a time).
    static func fingerprint(of model: ModelFile, tta: TestTimeAugmentation) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ word: UInt64) { h = (h ^ word) &* 0x100_0000_01b3 }
        func mix(_ text: String) { for byte in text.utf8 { mix(UInt64(byte)) } }
        for (name, parameter) in model.network.namedParameters {
            mix(name)
            let words = parameter.value.count / 2
            UnsafeRawPointer(parameter.value.data).withMemoryRebound(to: UInt64.self, capacity: words) { w in
                for i in 0..<words { mix(w[i]) }
            }
            if parameter.value.count % 2 == 1 { mix(UInt64(parameter.value[parameter.value.count - 1].bitPattern)) }
        }
        mix(model.classNames.joined(separator: "\u{1}"))
        mix(UInt64(model.normalization.scale.bitPattern) << 32 | UInt64(model.normalization.offset.bitPattern))
        for key in model.notes.keys.sorted() { mix(key + "=" + (model.notes[key] ?? "")) }
        mix(tta.rawValue)
        return h
    }

    /// The same model with a network of its own (its own buffers) that reads this one's weights, for another
    /// thread or another augmentation: the browser's background pass, the why view. The weights are shared,
    /// not copied: a classifier's never change.
    public func independentCopy(tta: TestTimeAugmentation) throws -> Classifier {
        let network = try Sequential(model.network.architecture)
        for ((_, mine), (_, theirs)) in zip(network.namedParameters, model.network.namedParameters) {
            mine.value.share(theirs.value)
        }
        let copy = ModelFile(network: network, classNames: model.classNames, normalization: model.normalization,
                             notes: model.notes)
        return try Classifier(model: copy, url: modelURL, tta: tta, probes: false)
    }

    /// How the model's training faces were framed around a detected box (`framing` in the model file's
    /// notes, else the detector's box itself).
    public var framing: FaceFraming {
        model.notes["framing"].flatMap(Double.init).map { FaceFraming(scale: $0) } ?? .detectorBox
    }

    /// The model's name for people: its file name without extension.
    public var modelName: String { modelURL?.deletingPathExtension().lastPathComponent ?? "model" }
    public var inputSide: Int { model.network.inputShape[0] }

    /// Probabilities for each face, 7 per face in `Emotion.allCases` order; all faces in one batch (or in turns
    /// of `largestBatch` images).
    public func probabilities(for faces: [GrayImage]) -> [[Float]] {
        guard !faces.isEmpty else { return [] }
        let side = inputSide
        let resized = faces.map { preprocessing.apply($0.width == side && $0.height == side ? $0 : $0.resized(width: side, height: side)) }
        guard let repeated = tta.evenedRepeat else { return probabilities(ofSized: resized, views: tta) }
        // In two batches, the faces and then their evened versions: the mean of the two halves is the mean of
        // all the views, and the network's buffers grow only to one half's batch.
        let evened = resized.map(TestTimeAugmentation.evened)
        return zip(probabilities(ofSized: resized, views: repeated), probabilities(ofSized: evened, views: repeated)).map {
            zip($0, $1).map { ($0 + $1) / 2 }
        }
    }

    private func probabilities(ofSized resized: [GrayImage], views tta: TestTimeAugmentation) -> [[Float]] {
        let perPass = largestBatch.map { max(1, $0 / tta.viewCount) } ?? resized.count
        guard resized.count > perPass else { return onePass(resized, views: tta) }
        return stride(from: 0, to: resized.count, by: perPass).flatMap {
            onePass(Array(resized[$0..<min(resized.count, $0 + perPass)]), views: tta)
        }
    }

    private func onePass(_ resized: [GrayImage], views tta: TestTimeAugmentation) -> [[Float]] {
        let side = inputSide
        var packed: [UInt8] = []
        packed.reserveCapacity(resized.count * side * side)
        for face in resized { packed += face.pixels }
        packed.withUnsafeBufferPointer { all in
            FaceBatch.fill(input, count: resized.count, side: side, normalization: model.normalization,
                           tta: tta) { all.baseAddress! + $0 * side * side }
        }
        let logits = model.network.logits(input, training: false)
        return FaceBatch.probabilities(logits: logits, count: resized.count, tta: tta,
                                       bias: DecisionBias(notes: model.notes, classes: model.classNames.count))
            .map { averaged in outputIndex.map { averaged[$0] } }
    }
}
