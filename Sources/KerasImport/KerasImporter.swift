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

    /// A model file from model.json + weights, or from a full model saved by `model.save("m.h5")` (give the
    /// same file as both). `classNames` name the outputs in order; inputs are `pixel · inputScale + inputOffset`.
    public static func load(modelJSON: URL, weights: URL, classNames: [String],
                            inputScale: Float = tutorialInputScale, inputOffset: Float = 0) throws -> ModelFile {
        guard inputScale.isFinite, inputScale > 0, inputOffset.isFinite else {
            throw KerasImportError(modelJSON, "input scale \(inputScale) must be a positive number and offset \(inputOffset) finite")
        }
        if let executable = KerasIsolation.executable {
            return try KerasIsolation.load(using: executable, modelJSON: modelJSON, weights: weights,
                                           classNames: classNames, inputScale: inputScale, inputOffset: inputOffset)
        }
        let description = try KerasModelJSON(contentsOf: modelJSON)
        let network: Network
        do { network = try Network(description.architecture) } catch {
            throw KerasImportError(modelJSON, "its layers do not fit together: \(error)")
        }
        guard network.outputShape == [classNames.count] else {
            throw KerasImportError(modelJSON, "the network gives \(network.outputShape) outputs but there are \(classNames.count) classes (\(classNames.joined(separator: ", ")))")
        }
        let file = try KerasWeights(contentsOf: weights)
        try file.load(description.layers, weightNodes: description.weightNodes, into: network, modelFile: modelJSON)
        let normalization = InputNormalization(scale: inputScale, offset: inputOffset)
        if let problem = ModelFile.problemWithValues(of: network, normalization: normalization) {
            throw KerasImportError(weights, problem)
        }
        let source = modelJSON == weights ? modelJSON.lastPathComponent : "\(modelJSON.lastPathComponent) + \(weights.lastPathComponent)"
        var notes = ["imported_from": "Keras \(source)"]
        notes["keras_version"] = file.kerasVersion
        return ModelFile(network: network, classNames: classNames, normalization: normalization, notes: notes)
    }
}
