import Expression
import Foundation
import Live

extension EvalCommand {
    /// `eval --detect`: whole photos through the app's own detection and framing.
    func evaluatePhotos(modelURL: URL, dataset: Dataset, split: String) throws {
        let classifier: EmotionClassifying
        let modelFraming: FaceFraming
        if ONNXOptions.isONNX(modelURL) {
            let onnxClassifier = try ONNXClassifier(contentsOf: modelURL, settings: onnx.settings, averagesFlip: try onnx.averagesFlip(for: tta))
            (classifier, modelFraming) = (onnxClassifier, onnxClassifier.framing)
        } else {
            let plain = try Classifier(opening: modelURL, tta: tta)
            (classifier, modelFraming) = (plain, plain.framing)
        }
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
        let confusion = result.confusion
        let recalls = (0..<7).map(result.recall)
        if json {
            var report = PhotoEvaluationReport(
                model: modelURL.path, split: split, photos: result.photos, testTimeAugmentation: tta.rawValue,
                framing: framing.scale, accuracy: result.accuracy, recall: recalls, classes: Emotion.classNames,
                noFace: result.noFace.map(\.path), unreadable: result.unreadable.map(\.path),
                confusionMatrix: confusion.counts)
            if let perPerson, let personOf {
                report.perPerson = .init(pattern: personOf.source, people: personOf.people(in: classified.faces.paths).count,
                                         accuracy: perPerson.accuracy, recall: (0..<7).map(perPerson.recall),
                                         confusionMatrix: perPerson.confusion.counts)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("\(modelURL.lastPathComponent) on \(split): \(result.photos) photos, faces found by the app's detector "
                  + String(format: "(TTA %@, framing %.2f), %.1f s", tta.rawValue, framing.scale, seconds))
            print(String(format: "accuracy %.1f%% (%d of %d; no face found in %d, unreadable %d)", result.accuracy * 100,
                         confusion.correct, result.photos, result.noFace.count, result.unreadable.count))
            print("recall (no face counts as wrong): " + zip(Emotion.allCases, recalls)
                .map { "\($0.name) " + String(format: "%.0f%%", $1 * 100) }.joined(separator: ", "))
            print("\nOver the \(confusion.total) photos with a face:")
            print(confusion.report(classNames: Emotion.classNames))
            for (path, emotion) in result.noFace { print("no face: \(path) (\(emotion.name))") }
            for (path, emotion) in result.unreadable { print("unreadable: \(path) (\(emotion.name))") }
            if let perPerson, let personOf { printPerPerson(perPerson, pattern: personOf, paths: classified.faces.paths) }
        }
        if let png {
            try ConfusionMatrixPNG.write(confusion, title: "\(modelURL.lastPathComponent) on \(split), faces found",
                                         to: URL(fileURLWithPath: png))
        }
    }
}

extension EvalCommand {
    private func printPerPerson(_ result: PhotoEvaluation, pattern: PersonPattern, paths: [String]) {
        let people = pattern.people(in: paths)
        let alone = paths.filter { pattern.person($0) == nil }.count
        print("\nEach face read against its person's usual face (people named by '\(pattern.source)': \(people.count)"
              + (alone > 0 ? ", \(alone) photos matched none and are read as they are" : "") + "):")
        print(String(format: "accuracy %.1f%% (%d of %d)", result.accuracy * 100, result.confusion.correct, result.photos))
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
    var perPerson: PerPerson?

    struct PerPerson: Codable {
        var pattern: String
        var people: Int
        var accuracy: Double
        var recall: [Double]
        var confusionMatrix: [[Int]]
    }
}
