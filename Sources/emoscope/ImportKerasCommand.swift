import ArgumentParser
import Expression
import Foundation
import KerasImport

/// Converts a Keras model (a full model.save .h5, or model.json + weights .h5) to an Emoscope model.
struct ImportKerasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-keras",
        abstract: "Convert a Keras model (.h5 full model, or model.json + weights .h5) into an Emoscope .safetensors model.",
        discussion: """
            Reads Sequential and Functional models: a full model saved with model.save("m.h5") (Keras 2 or 3), \
            or model.to_json() with save_weights(...) (Keras 2 .h5, model.save .h5 or Keras 3 .weights.h5). \
            What the file does not record is given as options: how pixels become inputs (--input-scale, \
            --input-offset) and the order of the model's outputs (--classes). fer's mini-Xception: \
            --input-scale 0.00784314 --input-offset -1 --classes angry,disgust,fear,happy,sad,surprise,neutral
            """)

    @Argument(help: "The Keras full model (.h5 with model_config) or model.json.") var model: String
    @Argument(help: "The Keras weights .h5 file, when MODEL is a model.json.") var weights: String?
    @Option(help: "Network input = pixel (0-255) x this + --input-offset. The Keras tutorial fed raw pixels: 1; rescale=1./255 is 0.00392157.")
    var inputScale: Float = KerasImporter.tutorialInputScale
    // Unconditional: the offset is often negative, and "--input-offset -1" must not read -1 as an option.
    @Option(parsing: .unconditional, help: "Added to pixel x --input-scale (mini-Xception: -1 with scale 2/255, for inputs in [-1, 1]).")
    var inputOffset: Float = 0
    @Option(help: "The model's outputs in order, comma-separated (default: angry,disgust,fear,happy,neutral,sad,surprise, as flow_from_directory sorts them).")
    var classes: String?
    @Option(help: "The Emoscope model file to write (.safetensors).") var out: String
    @Flag(help: "Replace --out if it exists.") var force = false

    func run() throws {
        let classNames = try Self.classNames(classes)
        try OutputFile.reading([model] + (weights.map { [$0] } ?? []), force: force).check([URL(fileURLWithPath: out)])
        let modelURL = URL(fileURLWithPath: model)
        let file = try KerasImporter.load(modelJSON: modelURL, weights: weights.map(URL.init(fileURLWithPath:)) ?? modelURL,
                                          classNames: classNames, inputScale: inputScale, inputOffset: inputOffset)
        let url = URL(fileURLWithPath: out)
        try file.save(to: url)
        let shape = file.network.isChain ? "\(file.network.layers.count) layers" : "a graph of \(file.network.layers.count) layers"
        print("wrote \(url.path): \(file.network.parameterCount) parameters, \(shape), input \(file.network.inputShape) "
              + "= pixel x \(inputScale) + \(inputOffset), classes \(classNames.joined(separator: ","))")
    }

    /// Every emotion once, by any name Emoscope knows for it (as dataset folders are matched).
    static func classNames(_ option: String?) throws -> [String] {
        guard let option else { return Emotion.allCases.map(\.name) }
        let names = option.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var seen = Set<Emotion>()
        for name in names {
            guard let emotion = Emotion(folderName: name) else {
                throw ValidationError("--classes: \"\(name)\" is not an emotion Emoscope knows (\(Emotion.allCases.map(\.name).joined(separator: ", ")))")
            }
            guard seen.insert(emotion).inserted else { throw ValidationError("--classes names \(emotion.name) twice") }
        }
        guard seen.count == Emotion.allCases.count else {
            let missing = Emotion.allCases.filter { !seen.contains($0) }.map(\.name)
            throw ValidationError("--classes must name all \(Emotion.allCases.count) emotions; missing: \(missing.joined(separator: ", "))")
        }
        return names
    }
}
