import ArgumentParser
import Expression
import Foundation
import NeuralNet

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Print the 7 emotion probabilities of each image (any format and size; the whole image is the face).")

    @Option(help: "Model: a .safetensors file or a Keras model.json with its weights .h5 beside it (default: the shipped model).") var model: String?
    @Flag(help: "Print JSON lines instead of text.") var json = false
    @Option(help: "Test-time augmentation: flip (average with the mirror image, as the live view does) or none.")
    var tta: TestTimeAugmentation = .flip
    @Option(help: "Threads for the network's loops and products.") var threads = System.coreCount
    @Argument(help: "Image files.") var images: [String]

    func run() throws {
        Compute.threads = threads
        let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? ResourceLocator.defaultModel()
        let classifier = try Classifier(opening: modelURL, averagesFlip: tta == .flip)
        var failures = 0
        for path in images {
            let face: GrayImage
            do { face = try GrayImage(contentsOf: URL(fileURLWithPath: path)) } catch {
                failures += 1
                FileHandle.standardError.write(Data("emoscope: \(error)\n".utf8))
                continue
            }
            let probabilities = classifier.probabilities(for: [face])[0]
            let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
            if json {
                let fields = zip(Emotion.allCases, probabilities).map { "\"\($0.name)\":\(String(format: "%.6f", $1))" }
                let escaped = path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                print("{\"image\":\"\(escaped)\",\"emotion\":\"\(Emotion.allCases[best].name)\",\"probabilities\":{\(fields.joined(separator: ","))}}")
            } else {
                let list = zip(Emotion.allCases, probabilities).map { "\($0.name) \(String(format: "%.3f", $1))" }
                print("\(path): \(Emotion.allCases[best].name)  [\(list.joined(separator: ", "))]")
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
