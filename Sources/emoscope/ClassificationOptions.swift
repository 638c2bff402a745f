import ArgumentParser
import Expression
import Foundation
import Live

/// The model, test-time augmentation and threads of the commands that classify faces as the app does
/// (`view`, `predict`, `snapshot`, `bench live`).
struct ClassificationOptions: ParsableArguments {
    @Option(name: .long, help: "Model: a .safetensors file, a Keras model.json with its weights .h5 beside it, or an .onnx classifier (default: the shipped model).")
    var model: String?
    @Option(name: .long, help: "Test-time augmentation per face: flip (average with the mirror image), none (half the work), zoom (the face and a view 10 % closer, each mirrored: twice the work), crops (five crops, each mirrored: five times the work) or contrast (zoom's views and the same with the face's contrast evened out region by region: four times the work). Default: what the model file names (the shipped model: zoom), else flip.")
    var tta: TestTimeAugmentation?
    @OptionGroup var onnx: ONNXOptions
    @OptionGroup var compute: ComputeOptions

    /// The classifier for --model, or for the shipped model.
    func classifier() throws -> any EmotionClassifying {
        let url = try ModelLocator.url(for: model)
        if ONNXOptions.isONNX(url) {
            return try ONNXClassifier(contentsOf: url, settings: onnx.settings, averagesFlip: try onnx.averagesFlip(for: tta ?? .flip))
        }
        return try nativeClassifier()
    }

    /// An Emoscope model's own classifier, for what needs the network itself (the why maps): an .onnx file
    /// runs inside OpenCV, whose network cannot be differentiated.
    func nativeClassifier() throws -> Classifier {
        let url = try ModelLocator.url(for: model)
        guard !ONNXOptions.isONNX(url) else {
            throw ValidationErrorText("\(url.path): an .onnx model runs inside OpenCV and cannot be explained; use the .safetensors model it came from")
        }
        return try tta.map { try Classifier(opening: url, tta: $0) } ?? Classifier(opening: url)
    }
}
