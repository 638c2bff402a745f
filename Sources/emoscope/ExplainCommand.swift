import ArgumentParser
import Expression
import Foundation
import Graphics
import Imaging

/// `emoscope explain IMAGE... --out DIR`: for each face, a PNG of the face with a heat map of where the
/// model found the evidence for its prediction (the viewer's "why" view, for scripts).
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Write, per face, a PNG of where the model finds the evidence for its prediction (Grad-CAM).",
        discussion: """
            A small image (at most \(ExplainCommand.cropSide) pixels a side, as dataset crops are) is the face, \
            as `emoscope predict` takes it; in a larger picture every face the detector finds is explained \
            (NAME-face1.why.png, ...), and the whole picture when it finds none. Writes DIR/NAME.why.png.
            """)

    static let cropSide = 128

    @OptionGroup var classification: ClassificationOptions
    @Option(name: .long, help: "Folder for the PNGs (created if missing).") var out: String
    @Option(name: .long, help: "Explain this emotion instead of the predicted one.") var emotion: Emotion?
    @Option(name: .long, help: "Each PNG is the face at this many pixels a side.") var size = 240
    @Flag(help: "Print JSON lines instead of text.") var json = false
    @Flag(name: .long, help: "Replace PNGs that exist.") var force = false
    @Argument(help: "Image files.") var images: [String]

    struct Line: Encodable {
        let image: String
        let face: PixelRect?
        let emotion: String
        let probabilities: [String: Float]
        let png: String
    }

    func validate() throws {
        guard (48...2048).contains(size) else { throw ValidationError("--size must be 48 to 2048 pixels") }
    }

    func run() throws {
        classification.compute.apply()
        let classifier = try classification.nativeClassifier()
        let explainer = try FaceExplainer(classifier: classifier)
        let folder = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let rules = OutputFile.reading(images + [classification.model], force: force)
        let detector = try? FaceDetector(cascadePath: EmoscopeEnvironment.current.cascade)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var failures = 0
        for path in images {
            let picture: GrayImage
            do { picture = try GrayImage(contentsOf: URL(fileURLWithPath: path)) } catch {
                failures += 1
                FileHandle.standardError.write(Data("emoscope: \(error)\n".utf8))
                continue
            }
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            var faces: [PixelRect?] = [nil]
            if max(picture.width, picture.height) > Self.cropSide, let detector {
                let found = detector.detect(in: picture).map { classifier.framing.region(for: $0)
                    .clamped(toWidth: picture.width, height: picture.height) }
                if !found.isEmpty { faces = found }
            }
            for (i, box) in faces.enumerated() {
                let face = box.map { picture.cropped(to: $0) } ?? picture
                let png = folder.appendingPathComponent(faces.count == 1 && box == nil ? "\(name).why.png" : "\(name)-face\(i + 1).why.png")
                do {
                    try rules.check([png])
                    let explanation = explainer.explain(face, emotion: emotion)
                    let square = face.resized(width: size, height: size)
                    try HeatOverlay.blended(square, heat: explanation.heat, side: explanation.side, scale: 1).writePNG(to: png)
                    try report(path: path, box: box, explanation, png: png, encoder: encoder)
                } catch {
                    failures += 1
                    FileHandle.standardError.write(Data("emoscope: \(path): \(error)\n".utf8))
                }
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    private func report(path: String, box: PixelRect?, _ explanation: FaceExplainer.Explanation, png: URL,
                        encoder: JSONEncoder) throws {
        let p = explanation.probabilities
        if json {
            let named = Dictionary(uniqueKeysWithValues: zip(Emotion.allCases.map(\.name), p))
            let line = Line(image: path, face: box, emotion: explanation.emotion.name, probabilities: named, png: png.path)
            print(String(decoding: try encoder.encode(line), as: UTF8.self))
        } else {
            let where_ = box.map { " face at (\($0.x), \($0.y)) \($0.width)x\($0.height)" } ?? ""
            print("\(path)\(where_): \(explanation.emotion.name) \(String(format: "%.3f", p[explanation.emotion.rawValue])) → \(png.path)")
        }
    }
}
