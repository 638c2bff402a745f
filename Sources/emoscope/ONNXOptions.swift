import ArgumentParser
import Expression
import Foundation
import NeuralNet

/// What to assume about an .onnx `--model` whose metadata does not say it (files Emoscope exported say all).
struct ONNXOptions: ParsableArguments {
    @Option(help: "For an .onnx model: class names in output order, comma-separated (default: its \"classes\" metadata).")
    var classes: String?
    @Option(help: "For an .onnx model whose input size is open: the input side in pixels (default: its \"input_size\" metadata).")
    var inputSize: Int?
    @Option(help: "For an .onnx model: network input = pixel (0-255) x this + --input-offset (default: its metadata, else 1/255).")
    var inputScale: Float?
    @Option(help: "For an .onnx model: added after --input-scale (default: its metadata, else 0).")
    var inputOffset: Float?

    func validate() throws {
        if let inputSize, inputSize < 1 || inputSize > 4096 { throw ValidationError("--input-size must be 1 to 4096") }
        if let classes, classes.split(separator: ",").isEmpty { throw ValidationError("--classes names no class") }
        for (name, value) in [("--input-scale", inputScale), ("--input-offset", inputOffset)] {
            if let value, !value.isFinite { throw ValidationError("\(name) must be a finite number") }
        }
    }

    var settings: ONNXClassifier.Settings {
        let normalization = inputScale != nil || inputOffset != nil
            ? InputNormalization(scale: inputScale ?? InputNormalization.unitRange.scale, offset: inputOffset ?? 0) : nil
        let names = classes?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return ONNXClassifier.Settings(classNames: names, inputSize: inputSize, normalization: normalization)
    }

    /// The test-time augmentation an .onnx model is run with: OpenCV's path averages with the mirror image
    /// or not; the other views are for Emoscope's own models.
    func averagesFlip(for tta: TestTimeAugmentation) throws -> Bool {
        guard tta == .flip || tta == .none else {
            throw ValidationError("--tta \(tta.rawValue) is for Emoscope models; use flip or none with an .onnx model")
        }
        return tta == .flip
    }

    /// Whether `url` names an ONNX model (by its extension), to be run by OpenCV's dnn module.
    static func isONNX(_ url: URL) -> Bool { url.pathExtension.lowercased() == "onnx" }
}
