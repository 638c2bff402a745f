import Foundation
import NeuralNet

/// Starts a training run from a model's weights instead of random ones (fine-tuning): every parameter and
/// statistic of the network is copied from the model file, which must have the same layers and shapes.
enum InitialWeights {
    static func load(_ url: URL, into network: Sequential, normalization: InputNormalization) throws {
        let model = try ModelFile.load(url)
        guard model.classNames.map({ Emotion(folderName: $0) }) == Emotion.allCases.map({ Optional($0) }) else {
            throw ModelFileError(url, "a model to start from must have Emoscope's classes in order \(Emotion.classNames), not \(model.classNames)")
        }
        guard model.normalization == normalization else {
            throw ModelFileError(url, "it normalises pixels as x · \(model.normalization.scale) + \(model.normalization.offset), "
                                 + "the run as x · \(normalization.scale) + \(normalization.offset): its weights would read other inputs")
        }
        let mine = network.namedParameters, theirs = model.network.namedParameters
        let shapes = { (list: [(name: String, parameter: Parameter)]) in list.map { "\($0.name) \($0.parameter.value.shape)" } }
        guard shapes(mine) == shapes(theirs) else {
            let first = zip(shapes(mine), shapes(theirs)).first { $0 != $1 }
            throw ModelFileError(url, "its layers differ from the architecture being trained"
                                 + (first.map { " (the run has \($0.0), the file \($0.1))" } ?? " (\(theirs.count) tensors, the run \(mine.count))"))
        }
        for ((_, target), (_, source)) in zip(mine, theirs) { target.value.copy(from: source.value) }
    }
}
