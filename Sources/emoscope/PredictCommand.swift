import ArgumentParser
import Expression
import Foundation
import Imaging

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Print the 7 emotion probabilities of each image (any format and size; the whole image is the face).")

    @OptionGroup var classification: ClassificationOptions
    @Flag(help: "Print JSON lines instead of text.") var json = false
    @Argument(help: "Image files.") var images: [String]

    /// One line of `--json` output.
    struct Prediction: Encodable {
        let image: String
        let emotion: String
        let probabilities: [String: Float]
    }

    func run() throws {
        classification.compute.apply()
        let classifier = try classification.classifier()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var failures = 0
        for path in images {
            let face: GrayImage
            do { face = try GrayImage(contentsOf: URL(fileURLWithPath: path)) } catch {
                failures += 1
                FileHandle.standardError.write(Data("emoscope: \(error)\n".utf8))
                continue
            }
            let probabilities = classifier.probabilities(for: [face])[0]
            guard probabilities.allSatisfy(\.isFinite) else {
                failures += 1
                FileHandle.standardError.write(Data("emoscope: \(path): the model gives NaN or infinite probabilities for this image\n".utf8))
                continue
            }
            let best = Emotion.allCases[probabilities.indices.max { probabilities[$0] < probabilities[$1] }!]
            if json {
                let named = Dictionary(uniqueKeysWithValues: zip(Emotion.allCases.map(\.name), probabilities))
                let line = try encoder.encode(Prediction(image: path, emotion: best.name, probabilities: named))
                print(String(decoding: line, as: UTF8.self))
            } else {
                let list = zip(Emotion.allCases, probabilities).map { "\($0.name) \(String(format: "%.3f", $1))" }
                print("\(path): \(best.name)  [\(list.joined(separator: ", "))]")
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
