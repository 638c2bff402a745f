import ArgumentParser
import Expression
import Foundation
import Live
import NeuralNet

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure a model on a dataset split: accuracy, per-class precision/recall/F1, confusion matrix.")

    @Option(help: "Model file: .safetensors or .onnx (default: the shipped model).") var model: String?
    @Option(help: "Dataset folder or fer2013.csv.") var data: String
    @Option(help: "Split to evaluate (default: val, else test).") var split: String?
    @Option(help: "Test-time augmentation: none, flip (average with the mirror image), zoom (the face and a view 10 % closer, each mirrored), crops (five crops, each mirrored) or contrast (zoom's four views and the same of the face with its contrast evened out region by region).") var tta: TestTimeAugmentation = .none
    @Flag(help: "Print JSON instead of tables.") var json = false
    @Option(help: "Where to save the confusion matrix as PNG.") var png: String?
    @Flag(help: "Whole photos: find the faces as the app does, classify the largest (no face found counts as wrong).")
    var detect = false
    @Option(help: "With --detect: side of the classified square over the detected box's width.") var framing: Double?
    @Option(help: ArgumentHelp(
        "With --detect: also read each face against its person's usual face, learned from that person's other photos.",
        discussion: "The first match of this regular expression in a photo's file name names its person: '^[^._]+' takes what comes before the first dot or underscore (jaffe-KA.AN1.39.png: jaffe-KA).",
        valueName: "regex")) var people: String?
    @Option(help: ArgumentHelp(
        "Another model to score on the same faces with the same options.",
        discussion: "Prints where each model is right and the other wrong, and whether that split could be chance (McNemar's exact test).",
        valueName: "model")) var compare: String?
    @Flag(help: "Replace the --png file if it exists.") var force = false
    @OptionGroup var onnx: ONNXOptions
    @OptionGroup var compute: ComputeOptions

    func run() throws {
        compute.apply()
        let modelURL = try ModelLocator.url(for: model)
        if let png { try OutputFile.reading([modelURL.path, data], force: force).check([URL(fileURLWithPath: png)]) }
        let dataset = try Dataset.open(URL(fileURLWithPath: data))
        guard let splitName = split ?? dataset.validationSplitName else {
            throw ValidationErrorText("\(data) has no val or test split; name one with --split (found: \(dataset.splitNames.joined(separator: ", ")))")
        }
        if detect { return try evaluatePhotos(modelURL: modelURL, dataset: dataset, split: splitName) }
        if people != nil { throw ValidationErrorText("--people groups whole photos by person: it needs --detect") }
        let evaluate = try evaluation(modelURL: modelURL)
        let evaluateOther = try compare.map { try evaluation(modelURL: try ModelLocator.url(for: $0)) }
        let load = try dataset.load(split: splitName)
        if !json { FileHandle.standardError.write(Data((load.summary + "\n").utf8)) }
        if let files = try? dataset.files(split: splitName), PhotoSplit.areWholePhotos(files.map(\.path)) {
            FileHandle.standardError.write(Data(("note: \(data)/\(splitName) holds whole photos, each shrunk to 48x48 as it is; "
                + "--detect finds the face in each first, as the app does\n").utf8))
        }
        let start = Date()
        let result = try evaluate(load.faces)
        let seconds = Date().timeIntervalSince(start)
        guard result.loss.isFinite else {
            throw ValidationErrorText("\(modelURL.path): the model gives NaN or infinite outputs on \(splitName): its weights are damaged")
        }
        let comparison = try evaluateOther.map { evaluateOther in
            ComparisonReport(model: compare!, this: result.right, other: try evaluateOther(load.faces).right)
        }
        let confusion = result.confusion
        if json {
            var report = EvaluationReport(model: modelURL.path, split: splitName, faces: confusion.total,
                                          testTimeAugmentation: tta.rawValue, accuracy: confusion.accuracy,
                                          macroF1: confusion.macroF1, loss: result.loss, classes: Emotion.classNames,
                                          precision: (0..<7).map(confusion.precision), recall: (0..<7).map(confusion.recall),
                                          f1: (0..<7).map(confusion.f1), support: (0..<7).map(confusion.support),
                                          confusionMatrix: confusion.counts)
            report.accuracyInterval95 = Self.interval(confusion.correct, confusion.total)
            report.comparison = comparison
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("\(modelURL.lastPathComponent) on \(splitName) (\(confusion.total) faces, TTA \(tta.rawValue)), "
                  + String(format: "%.1f s", seconds))
            print(confusion.report(classNames: Emotion.classNames))
            comparison?.lines(thisName: modelURL.lastPathComponent, what: "faces").forEach { print($0) }
        }
        if let png {
            try ConfusionMatrixPNG.write(confusion, title: "\(modelURL.lastPathComponent) on \(splitName)", to: URL(fileURLWithPath: png))
            if !json { print("Confusion matrix saved to \(png)") }
        }
    }
}

extension EvalCommand {
    /// [lower, upper] of the 95 % interval, for JSON reports.
    static func interval(_ correct: Int, _ total: Int) -> [Double] {
        let interval = AccuracyInterval(correct: correct, total: total)
        return [interval.lower, interval.upper]
    }

    /// Opens the model (before the dataset is read, so a bad model fails at once) and returns how to score it.
    func evaluation(modelURL: URL) throws -> (LabeledFaces) throws -> Evaluation.Result {
        if ONNXOptions.isONNX(modelURL) {
            let classifier = try ONNXClassifier(contentsOf: modelURL, settings: onnx.settings, averagesFlip: try onnx.averagesFlip(for: tta))
            return { try Evaluation.run(classifier, on: $0) }
        }
        let file = try ModelFile.load(modelURL)
        // The dataset's labels follow Emotion order; a model with another class order (an imported Keras
        // model) is mapped to it, as the classifier maps it.
        guard let order = Emotion.outputIndices(for: file.classNames) else {
            throw ValidationErrorText("\(modelURL.path): classes \(file.classNames) do not name every one of \(Emotion.classNames)")
        }
        let bias = DecisionBias(notes: file.notes, classes: file.classNames.count)
        let preprocessing = try file.facePreprocessing(file: modelURL)
        let outputOrder = order == Array(order.indices) ? nil : order
        return { [tta] in
            Evaluation.run(file.network, on: preprocessing.apply($0), normalization: file.normalization, tta: tta, bias: bias, outputOrder: outputOrder)
        }
    }
}

struct EvaluationReport: Codable {
    var model, split: String
    var faces: Int
    var testTimeAugmentation: String
    var accuracy, macroF1, loss: Double
    var classes: [String]
    var precision, recall, f1: [Double]
    var support: [Int]
    var confusionMatrix: [[Int]]
    var accuracyInterval95: [Double]?
    var comparison: ComparisonReport?
}
