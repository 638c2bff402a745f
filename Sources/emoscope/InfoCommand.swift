import ArgumentParser
import Expression
import Foundation
import NeuralNet

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a model file: architecture, parameters, FLOPs, classes and metadata.")

    @Argument(help: "Model file (default: the shipped model).") var model: String?

    func run() throws {
        let url = try ModelLocator.url(for: model)
        let file = try ModelFile.load(url)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        print("\(TerminalText.escaped(url.path)) (\(String(format: "%.1f", Double(bytes) / 1e6)) MB)")
        print("input \(file.network.inputShape), normalisation x = pixel · \(file.normalization.scale) + \(file.normalization.offset)")
        print("classes (output order): \(file.classNames.map(TerminalText.escaped).joined(separator: ", "))")
        print(String(format: "parameters %d, %.3f GFLOP per face", file.network.parameterCount,
                     Double(file.network.flopsPerSample) / 1e9))
        print(file.network.summary)
        if !file.notes.isEmpty {
            print("notes:")
            for key in file.notes.keys.sorted() { print("  \(TerminalText.escaped(key)): \(TerminalText.escaped(file.notes[key]!))") }
        }
    }
}
