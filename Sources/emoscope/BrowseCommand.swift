import ArgumentParser
import Expression
import Foundation
import Viewer

/// `emoscope browse --data ROOT`: the window opened straight into the dataset browser.
struct BrowseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "browse",
        abstract: "Open the window in the dataset browser: every split's faces with the model's predictions.",
        discussion: """
            Keys: n next split, x confusion matrix (click a cell: its faces), y where the evidence lies, \
            e all/wrong/right, o order, 0-7 class, s snapshot, Tab live view.
            """)

    @Option(name: .long, help: "FER2013-style folder (default: the one opened last, else $EMOSCOPE_FER2013).")
    var data: String?
    @Option(name: .long, help: "Split to show first (default: val, else train).") var split: String?
    @Option(name: .long, help: "Which faces: all, misclassified or correct.") var filter: PredictionQuery.Outcome = .all
    @Option(name: .long, help: "Order: file, confidence (most sure first) or loss (most confidently wrong first).")
    var sort: PredictionQuery.Order = .file
    @Option(name: .long, help: "Only faces of this true class.") var trueClass: Emotion?
    @Option(name: .long, help: "Only faces predicted as this class.") var predictedClass: Emotion?
    @Option(name: .long, help: ArgumentHelp(
        "Read each face against its person's usual face, the mean of that person's other faces, once the split is predicted.",
        discussion: "REGEX's first match in a file name names the person (e.g. '^[^._]+' for wild-dev).", valueName: "regex"))
    var people: String?
    @OptionGroup var window: WindowOptions

    func run() throws {
        let (settings, settingsWarning) = Settings.load()
        let root = try DatasetLocator.requireRoot(data, for: "browse")
        let dataset: Dataset
        do { dataset = try Dataset.open(root) } catch { throw ValidationErrorText("\(error)") }
        if let split, !dataset.splitNames.contains(split) {
            throw ValidationErrorText("\(root.path) has no split \"\(split)\" (it has \(dataset.splitNames.joined(separator: ", ")))")
        }
        if let people {
            do { _ = try PersonPattern(people) } catch { throw ValidationErrorText("\(error)") }
        }
        var options = ViewerOptions(source: settings.lastSource ?? .camera(0), dataRoot: root.path)
        options.browser = BrowserStart(split: split, query: PredictionQuery(outcome: filter, order: sort, trueClass: trueClass,
                                                                           predictedClass: predictedClass),
                                       people: people)
        try window.run(options, settings: settings, settingsWarning: settingsWarning)
    }
}
