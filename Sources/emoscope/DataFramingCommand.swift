import ArgumentParser
import Expression
import Foundation

/// `emoscope data framing ROOT`: how a dataset's crops frame their faces, measured with the app's own face
/// detector, and the `FaceFraming` that reproduces it from a detected box.
struct DataFramingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "framing",
        abstract: "Measure where the face detector finds the face inside a dataset's crops.")

    @Argument(help: "The dataset folder (ROOT/SPLIT/CLASS/images) or a fer2013.csv file.") var root: String
    @Option(help: "Split to measure (default: val, else test).") var split: String?
    @Option(help: "Faces to measure at most (every k-th face of the split).") var limit = 1000

    func run() throws {
        let dataset = try Dataset.open(URL(fileURLWithPath: root))
        guard let name = split ?? dataset.validationSplitName ?? dataset.trainingSplitName else {
            throw ValidationErrorText("\(root) has no split to measure (found: \(dataset.splitNames.joined(separator: ", ")))")
        }
        let faces = try dataset.load(split: name).faces
        let detector = try FaceDetector(cascadePath: EmoscopeEnvironment.current.cascade)
        let step = max(1, faces.count / max(1, limit))
        let measured = stride(from: 0, to: faces.count, by: step).map { faces.face($0) }
        let boxes = measured.compactMap { detector.detectFaceInCrop($0) }
        guard let framing = FaceFraming.measured(boxes: boxes, cropSide: LabeledFaces.side) else {
            throw ValidationErrorText("no face was found in the \(measured.count) crops measured")
        }
        let widths = boxes.map { Double($0.width) / Double(LabeledFaces.side) }.sorted()
        func percentile(_ p: Double) -> Double { widths[min(widths.count - 1, Int(Double(widths.count - 1) * p))] }
        print("\(name): face found in \(boxes.count) of \(measured.count) crops")
        print(String(format: "box width / crop width: median %.3f (p25 %.3f, p75 %.3f)", percentile(0.5), percentile(0.25), percentile(0.75)))
        print(String(format: "framing: crop side %.3f x box width, centre %+.3f x box height below the box centre",
                     framing.scale, framing.centerOffsetY))
    }
}
