import Expression
import Foundation
import Live

extension EvalCommand {
    /// `eval --detect`: whole photos through the app's own detection and framing.
    func evaluatePhotos(modelURL: URL, dataset: Dataset, split: String) throws {
        let (classifier, modelFraming) = try photoClassifier(modelURL)
        let other = try compare.map { path in try photoClassifier(try ModelLocator.url(for: path)) }
        let personOf: PersonPattern?
        do { personOf = try people.map(PersonPattern.init) } catch { throw ValidationErrorText("\(error)") }
        let detector = try HaarFaceDetector(cascadePath: EmoscopeEnvironment.current.cascade)
        let framing = framing.map { FaceFraming(scale: $0) } ?? modelFraming
        let photos = try dataset.files(split: split)
        let start = Date()
        let classified = PhotoEvaluation.classify(photos, detector: detector, classifier: classifier, framing: framing)
        let result = PhotoEvaluation(classified)
        let perPerson = personOf.map { pattern in PhotoEvaluation(classified, personOf: pattern.person) }
        let seconds = Date().timeIntervalSince(start)
        var comparisons: (plain: ComparisonReport, perPerson: ComparisonReport?)?
        if let other, let compare {
            // The other model frames faces its own way unless --framing sets one framing for both.
            let otherFraming = self.framing.map { FaceFraming(scale: $0) } ?? other.framing
            let theirs = PhotoEvaluation.classify(photos, detector: detector, classifier: other.classifier, framing: otherFraming)
            let paths = photos.map(\.path)
            func compared(_ mine: PhotoEvaluation, _ theirs: PhotoEvaluation) -> ComparisonReport {
                ComparisonReport(model: compare, this: paths.map(mine.rightPaths.contains), other: paths.map(theirs.rightPaths.contains))
            }
            comparisons = (compared(result, PhotoEvaluation(theirs)),
                           perPerson.flatMap { mine in personOf.map { compared(mine, PhotoEvaluation(theirs, personOf: $0.person)) } })
        }
        let confusion = result.confusion
        let recalls = (0..<7).map(result.recall)
        if json {
            var report = PhotoEvaluationReport(
                model: modelURL.path, split: split, photos: result.photos, testTimeAugmentation: tta.rawValue,
                framing: framing.scale, accuracy: result.accuracy, recall: recalls, classes: Emotion.classNames,
                noFace: result.noFace.map(\.path), unreadable: result.unreadable.map(\.path),
                confusionMatrix: confusion.counts)
            report.accuracyInterval95 = Self.interval(confusion.correct, result.photos)
            report.comparison = comparisons?.plain
            if let perPerson, let personOf {
                report.perPerson = .init(pattern: personOf.source, people: personOf.people(in: classified.faces.paths).count,
                                         accuracy: perPerson.accuracy, recall: (0..<7).map(perPerson.recall),
                                         confusionMatrix: perPerson.confusion.counts,
                                         accuracyInterval95: Self.interval(perPerson.confusion.correct, perPerson.photos),
                                         comparison: comparisons?.perPerson)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("\(modelURL.lastPathComponent) on \(split): \(result.photos) photos, faces found by the app's detector "
                  + String(format: "(TTA %@, framing %.2f), %.1f s", tta.rawValue, framing.scale, seconds))
            print(String(format: "accuracy %.1f%% (%d of %d; %@; no face found in %d, unreadable %d)", result.accuracy * 100,
                         confusion.correct, result.photos, AccuracyInterval(correct: confusion.correct, total: result.photos).description,
                         result.noFace.count, result.unreadable.count))
            print("recall (no face counts as wrong): " + zip(Emotion.allCases, recalls)
                .map { "\($0.name) " + String(format: "%.0f%%", $1 * 100) }.joined(separator: ", "))
            print("\nOver the \(confusion.total) photos with a face:")
            print(confusion.report(classNames: Emotion.classNames))
            for (path, emotion) in result.noFace { print("no face: \(path) (\(emotion.name))") }
            for (path, emotion) in result.unreadable { print("unreadable: \(path) (\(emotion.name))") }
            comparisons?.plain.lines(thisName: modelURL.lastPathComponent, what: "photos").forEach { print($0) }
            if let perPerson, let personOf {
                printPerPerson(perPerson, pattern: personOf, paths: classified.faces.paths)
                comparisons?.perPerson?.lines(thisName: modelURL.lastPathComponent, what: "photos, each read against its person's usual face")
                    .forEach { print($0) }
            }
        }
        if let png {
            try ConfusionMatrixPNG.write(confusion, title: "\(modelURL.lastPathComponent) on \(split), faces found",
                                         to: URL(fileURLWithPath: png))
        }
    }
}

extension EvalCommand {
    /// The classifier `--detect` scores a model with, and the framing the model asks for.
    private func photoClassifier(_ url: URL) throws -> (classifier: EmotionClassifying, framing: FaceFraming) {
        if ONNXOptions.isONNX(url) {
            let onnxClassifier = try ONNXClassifier(contentsOf: url, settings: onnx.settings, averagesFlip: try onnx.averagesFlip(for: tta))
            return (onnxClassifier, onnxClassifier.framing)
        }
        let plain = try Classifier(opening: url, tta: tta)
        return (plain, plain.framing)
    }

    private func printPerPerson(_ result: PhotoEvaluation, pattern: PersonPattern, paths: [String]) {
        let people = pattern.people(in: paths)
        let alone = paths.filter { pattern.person($0) == nil }.count
        print("\nEach face read against its person's usual face (people named by '\(pattern.source)': \(people.count)"
              + (alone > 0 ? ", \(alone) photos matched none and are read as they are" : "") + "):")
        print(String(format: "accuracy %.1f%% (%d of %d; %@)", result.accuracy * 100, result.confusion.correct, result.photos,
                     AccuracyInterval(correct: result.confusion.correct, total: result.photos).description))
        print("recall (no face counts as wrong): " + Emotion.allCases
            .map { "\($0.name) " + String(format: "%.0f%%", result.recall($0.rawValue) * 100) }.joined(separator: ", "))
        print(result.confusion.report(classNames: Emotion.classNames))
    }
}

struct PhotoEvaluationReport: Codable {
    var model, split: String
    var photos: Int
    var testTimeAugmentation: String
    var framing: Double
    var accuracy: Double
    var recall: [Double]
    var classes: [String]
    var noFace, unreadable: [String]
    var confusionMatrix: [[Int]]
    var accuracyInterval95: [Double]?
    var comparison: ComparisonReport?
    var perPerson: PerPerson?

    struct PerPerson: Codable {
        var pattern: String
        var people: Int
        var accuracy: Double
        var recall: [Double]
        var confusionMatrix: [[Int]]
        var accuracyInterval95: [Double]?
        var comparison: ComparisonReport?
    }
}
