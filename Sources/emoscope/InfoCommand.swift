import ArgumentParser
import Expression
import Foundation
import ModelExchange
import NeuralNet

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a model file: architecture, parameters, FLOPs, classes and metadata.")

    @Argument(help: "Model file: .safetensors or .onnx (default: the shipped model).") var model: String?

    func run() throws {
        let url = try ModelLocator.url(for: model)
        if ONNXOptions.isONNX(url) { return try describeONNX(url) }
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

    /// What an .onnx file says about itself: what `--model X.onnx` will take from it and what it needs told.
    func describeONNX(_ url: URL) throws {
        let file = try ONNXModelFile(contentsOf: url)
        func shape(_ dims: [Int?]) -> String { "[" + dims.map { $0.map(String.init) ?? "N" }.joined(separator: ", ") + "]" }
        print("\(TerminalText.escaped(url.path)) (\(String(format: "%.1f", Double(file.bytes.count) / 1e6)) MB, ONNX)")
        print("input \(TerminalText.escaped(file.inputName)) \(shape(file.inputDims)), output \(shape(file.outputDims))")
        print("operators: \(file.operators.map(TerminalText.escaped).joined(separator: ", "))")
        if file.metadata.isEmpty {
            print("no metadata: give --classes (and --input-scale/--input-offset if pixels / 255 is wrong)")
        } else {
            print("metadata:")
            for key in file.metadata.keys.sorted() { print("  \(TerminalText.escaped(key)): \(TerminalText.escaped(file.metadata[key]!))") }
        }
    }
}
