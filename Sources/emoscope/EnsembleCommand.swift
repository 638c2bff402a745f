import ArgumentParser
import Expression
import Foundation
import NeuralNet

/// `emoscope ensemble`: several trained models averaged into one model file, which the live view, `eval`,
/// the browser, the why view and `export-onnx` use as they use any model.
struct EnsembleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ensemble",
        abstract: "Combine models into one file that averages their probabilities.",
        discussion: """
            The members must read faces alike (input size, normalisation, preprocessing) and name the same \
            classes. Each face then costs the sum of the members' work: check the live view with \
            `emoscope bench live` and measure the ensemble with `emoscope eval` before you use it.
            """)

    @Argument(help: "Two or more model files (.safetensors).") var members: [String]
    @Option(help: "The model file to write.") var out: String
    @Flag(help: "Replace --out if it exists.") var force = false

    func validate() throws {
        if members.count < 2 { throw ValidationError("give at least two model files to combine") }
    }

    func run() throws {
        let urls = members.map { URL(fileURLWithPath: $0) }, outURL = URL(fileURLWithPath: out)
        try OutputFile.reading(members, force: force).check([outURL])
        var file = try ModelEnsemble.combine(urls)
        file.notes["command"] = "emoscope ensemble " + members.joined(separator: " ") + " --out " + out
        do { try file.save(to: outURL, precision: .f16) } catch {
            throw ValidationErrorText("cannot write \(out): \(error)")
        }
        let flops = Double(file.network.flopsPerSample) / 1e9
        print("wrote \(out): \(file.network.parameterCount) parameters, "
              + String(format: "%.3f", flops) + " GFLOP per face")
        print("members: \(file.notes[ModelEnsemble.membersNoteKey] ?? "")")
    }
}
