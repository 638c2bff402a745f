import Foundation
import KerasImport
import NeuralNet

/// Opens an emotion model from either kind of file the app accepts: an Emoscope `.safetensors` model,
/// or a Keras `model.json` whose weights are named explicitly or lie beside it with the same stem
/// (`model.h5`, `model.weights.h5`, `model_weights.h5`, the Keras tutorial's name).
public enum ModelOpening {
    /// The weight-file names tried beside a Keras model.json, in order.
    public static func kerasWeightCandidates(for modelJSON: URL) -> [URL] {
        let stem = modelJSON.deletingPathExtension().lastPathComponent
        let folder = modelJSON.deletingLastPathComponent()
        return ["\(stem).h5", "\(stem).weights.h5", "\(stem)_weights.h5"].map { folder.appendingPathComponent($0) }
    }

    /// The model in `url`; for Keras files the classes are Emoscope's (the tutorial's alphabetical order)
    /// and inputs are pixel · `kerasInputScale` (the tutorial's raw 0–255 by default).
    public static func open(_ url: URL, kerasWeights: URL? = nil,
                            kerasInputScale: Float = KerasImporter.tutorialInputScale) throws -> ModelFile {
        guard url.pathExtension.lowercased() == "json" else { return try ModelFile.load(url) }
        let candidates = kerasWeights.map { [$0] } ?? kerasWeightCandidates(for: url)
        guard let weights = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw KerasImportError(url, "no Keras weights found beside it (tried \(candidates.map(\.lastPathComponent).joined(separator: ", "))); name the .h5 file explicitly")
        }
        return try KerasImporter.load(modelJSON: url, weights: weights, classNames: Emotion.allCases.map(\.name),
                                      inputScale: kerasInputScale)
    }
}

extension Classifier {
    /// A classifier for a `.safetensors` model or a Keras model.json (see `ModelOpening.open`), served with the
    /// views its notes name (`TestTimeAugmentation.served(by:)`), else flip.
    public convenience init(opening url: URL, kerasWeights: URL? = nil,
                            kerasInputScale: Float = KerasImporter.tutorialInputScale) throws {
        let model = try ModelOpening.open(url, kerasWeights: kerasWeights, kerasInputScale: kerasInputScale)
        try self.init(model: model, url: url, tta: TestTimeAugmentation.served(by: model.notes))
    }

    /// The same, with the views given.
    public convenience init(opening url: URL, kerasWeights: URL? = nil,
                            kerasInputScale: Float = KerasImporter.tutorialInputScale,
                            tta: TestTimeAugmentation) throws {
        let model = try ModelOpening.open(url, kerasWeights: kerasWeights, kerasInputScale: kerasInputScale)
        try self.init(model: model, url: url, tta: tta)
    }
}
