import ArgumentParser
import Expression
import Foundation
import KerasImport

/// Converts a Keras model (model.json + weights .h5, as the Keras tutorial saved it) to an Emoscope model.
struct ImportKerasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-keras",
        abstract: "Convert a Keras model.json + weights .h5 into an Emoscope .safetensors model.",
        discussion: """
            Reads Sequential models saved with model.to_json() and save_weights(...) (Keras 2 .h5, model.save .h5 \
            or Keras 3 .weights.h5). Classes are taken in Emoscope's order (angry, disgust, fear, happy, neutral, \
            sad, surprise: alphabetical, as Keras's flow_from_directory sorts them).
            """)

    @Argument(help: "The Keras model.json.") var model: String
    @Argument(help: "The Keras weights .h5 file.") var weights: String
    @Option(help: "Network input = pixel (0-255) x this. The tutorial fed raw pixels: 1; use 0.00392157 (1/255) for models trained with rescale=1./255.")
    var inputScale: Float = KerasImporter.tutorialInputScale
    @Option(help: "The Emoscope model file to write (.safetensors).") var out: String
    @Flag(help: "Replace --out if it exists.") var force = false

    func run() throws {
        try OutputFile.reading([model, weights], force: force).check([URL(fileURLWithPath: out)])
        let file = try KerasImporter.load(modelJSON: URL(fileURLWithPath: model), weights: URL(fileURLWithPath: weights),
                                          classNames: Emotion.allCases.map(\.name), inputScale: inputScale)
        let url = URL(fileURLWithPath: out)
        try file.save(to: url)
        print("wrote \(url.path): \(file.network.parameterCount) parameters, \(file.network.layers.count) layers, input pixel x \(inputScale)")
    }
}
