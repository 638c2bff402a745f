import Foundation
import NeuralNet

/// Imports a network saved by Keras — `model.to_json()` plus `save_weights(...)` — as an Emoscope model.
/// Keras stores kernels as [kh, kw, in, out] and Dense weights as [in, out], as Emoscope does, so values are
/// copied as they are.
public enum KerasImporter {
    /// The Keras tutorial fed raw 0–255 gray pixels to its network (its ImageDataGenerator had no
    /// `rescale`), so its weights expect inputs of pixel · 1. Models trained with `rescale=1./255` need 1/255.
    public static let tutorialInputScale: Float = 1

    /// The architecture described by a model.json, without weights.
    public static func architecture(of modelJSON: URL) throws -> Architecture {
        try KerasModelJSON(contentsOf: modelJSON).architecture
    }

    /// A model file from model.json + weights; `classNames` name the outputs in order, and inputs are
    /// `pixel · inputScale`.
    public static func load(modelJSON: URL, weights: URL, classNames: [String],
                            inputScale: Float = tutorialInputScale) throws -> ModelFile {
        guard inputScale.isFinite, inputScale > 0 else {
            throw KerasImportError(modelJSON, "input scale \(inputScale) must be a positive number")
        }
        if let executable = KerasIsolation.executable {
            return try KerasIsolation.load(using: executable, modelJSON: modelJSON, weights: weights,
                                           classNames: classNames, inputScale: inputScale)
        }
        let description = try KerasModelJSON(contentsOf: modelJSON)
        let network: Sequential
        do { network = try Sequential(description.architecture) } catch {
            throw KerasImportError(modelJSON, "its layers do not fit together: \(error)")
        }
        guard network.outputShape == [classNames.count] else {
            throw KerasImportError(modelJSON, "the network gives \(network.outputShape) outputs but there are \(classNames.count) classes (\(classNames.joined(separator: ", ")))")
        }
        let file = try KerasWeights(contentsOf: weights)
        try file.load(description.layers, into: network, modelFile: modelJSON)
        let normalization = InputNormalization(scale: inputScale, offset: 0)
        if let problem = ModelFile.problemWithValues(of: network, normalization: normalization) {
            throw KerasImportError(weights, problem)
        }
        var notes = ["imported_from": "Keras \(modelJSON.lastPathComponent) + \(weights.lastPathComponent)"]
        notes["keras_version"] = file.kerasVersion
        return ModelFile(network: network, classNames: classNames, normalization: normalization, notes: notes)
    }
}
