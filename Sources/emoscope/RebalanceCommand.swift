import ArgumentParser
import Expression
import Foundation
import NeuralNet

/// `emoscope rebalance`: writes a copy of a model whose decision no longer leans on the class prior it
/// learned (the "always neutral" of real faces). The learned prior is the model's mean probabilities over
/// the training faces (no labels used); `--strength` is chosen by measuring on val and on real photos.
struct RebalanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebalance",
        abstract: "Copy a model with a decision bias that flattens the class prior it learned.")

    @Option(help: "Model file (default: the shipped model).") var model: String?
    @Option(help: "Dataset folder: the prior is measured on its train split.") var data: String
    @Option(help: "0: the model as it is; 1: every class equally likely before looking at the face.") var strength: Float = 0.5
    @Option(help: "The views the model is to be served with (recorded in the file: the live view, predict and snapshot use them unless told otherwise); the prior is measured with them: flip, none, zoom, crops or contrast.")
    var tta: TestTimeAugmentation = .flip
    @Option(help: "The model file to write.") var out: String
    @Flag(help: "Replace --out if it exists.") var force = false
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if !(0...2).contains(strength) { throw ValidationError("--strength takes a value from 0 to 2") }
    }

    func run() throws {
        compute.apply()
        let modelURL = try ModelLocator.url(for: model)
        try OutputFile.reading([modelURL.path, data], force: force).check([URL(fileURLWithPath: out)])
        var file = try ModelFile.load(modelURL)
        let dataset = try Dataset.open(URL(fileURLWithPath: data))
        guard let split = dataset.trainingSplitName else { throw ValidationErrorText("\(data) has no train split") }
        let faces = try dataset.load(split: split).faces
        file.notes[DecisionBias.noteKey] = nil
        let preprocessing = try file.facePreprocessing(file: modelURL)
        let probabilities = Evaluation.probabilities(file.network, on: preprocessing.apply(faces), normalization: file.normalization, tta: tta)
        var mean = [Double](repeating: 0, count: file.classNames.count)
        for p in probabilities { for (j, value) in p.enumerated() { mean[j] += Double(value) / Double(probabilities.count) } }
        let bias = DecisionBias.flattening(meanProbabilities: mean, strength: strength)
        file.notes[DecisionBias.noteKey] = bias.noteValue
        file.notes["decision_bias_strength"] = "\(strength)"
        file.notes[TestTimeAugmentation.noteKey] = tta.rawValue
        // Beside the `command` that made the model (train, ensemble), so its card can be reproduced from the file.
        file.notes["rebalance_command"] = (["emoscope"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        try file.save(to: URL(fileURLWithPath: out), precision: .f16)
        print("learned prior on \(split) (\(faces.count) faces): "
              + zip(file.classNames, mean).map { "\($0) " + String(format: "%.1f%%", $1 * 100) }.joined(separator: ", "))
        print("decision bias (strength \(strength)): " + zip(file.classNames, bias.offsets).map { "\($0) " + String(format: "%+.2f", $1) }.joined(separator: ", "))
        print("wrote \(out)")
    }
}
