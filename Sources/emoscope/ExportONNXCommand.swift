import ArgumentParser
import Expression
import Foundation
import ModelExchange
import NeuralNet

/// Writes an Emoscope model as a standard ONNX file that any runtime can serve without knowing Emoscope.
struct ExportONNXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-onnx",
        abstract: "Write a model as a standard ONNX file (opset 13) that any ONNX runtime can serve.",
        discussion: """
            Input "pixels": [N, 1, H, W] float32 raw gray pixels 0-255 (the model's normalisation is part of the \
            graph); output "probabilities": [N, classes] (softmax and any decision bias included). The class \
            names in output order, the input size and the model's notes are in metadata_props. Mirror averaging \
            (--tta flip) is not part of the graph: the file computes what `predict --tta none` prints.
            """)

    @Argument(help: "The model to export (.safetensors, or a Keras model.json with its weights beside it; default: the shipped model).")
    var model: String?
    @Option(help: "The ONNX file to write.") var out: String
    @Flag(help: "Replace --out if it exists.") var force = false

    func run() throws {
        let modelURL = try ModelLocator.url(for: model), outURL = URL(fileURLWithPath: out)
        try OutputFile.reading([modelURL.path], force: force).check([outURL])
        let file = try ModelOpening.open(modelURL)
        let bias = DecisionBias(notes: file.notes, classes: file.classNames.count)
        // The bias is folded into the graph, so the note that carries it would apply it twice.
        var metadata: [String: String] = [:]
        for (key, value) in file.notes where key != DecisionBias.noteKey { metadata[ONNXMetadata.notePrefix + key] = value }
        metadata[ONNXMetadata.notePrefix + "exported_from"] = modelURL.lastPathComponent
        let data: Data
        do {
            data = try ONNXExporter.data(of: file.network, classNames: file.classNames, normalization: file.normalization,
                                         logitOffsets: bias?.offsets, metadata: metadata)
        } catch {
            throw ValidationErrorText("\(modelURL.path): cannot be exported: \(error)")
        }
        do { try AtomicFile.write(data, to: outURL) } catch {
            throw ValidationErrorText("cannot write \(out): \(error)")
        }
        let shape = file.network.inputShape
        print("wrote \(out): \(data.count) bytes, input pixels [N, \(shape[2]), \(shape[0]), \(shape[1])] 0-255, "
              + "output probabilities [N, \(file.classNames.count)] (\(file.classNames.joined(separator: ", ")))")
        if let preprocessing = FacePreprocessing(notes: file.notes), preprocessing != .none {
            // equalizeHist has no ONNX operator: a runtime must do it, as Emoscope's ONNX classifier does.
            print("faces must be preprocessed with \(preprocessing.rawValue) before the graph "
                  + "(metadata \(ONNXMetadata.notePrefix)\(FacePreprocessing.noteKey)=\(preprocessing.rawValue))")
        }
    }
}
