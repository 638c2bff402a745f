import Imaging
import Live
import Expression
import Foundation
import Graphics

/// The dataset browser (Tab): every split of a FER2013-style folder as thumbnails, each marked with the
/// model's prediction (predicted in the background, cached per model and split), filtered by outcome and
/// class, sorted by file, confidence or loss; a confusion-matrix view whose cells select their faces; and for
/// the selected face, its true label, the prediction and, with `y`, where the evidence for it lies.
final class DatasetBrowser {
    enum Mode: String, Sendable { case grid, confusion }

    let root: URL
    let fonts: Fonts
    private let splits: DatasetSplits
    private let store: PredictionStore
    private let wantedSplit: String?
    /// Names each face's person, when faces are read against their person's usual face.
    let people: PersonPattern?
    private(set) var splitName: String?
    private(set) var query: PredictionQuery
    private(set) var mode = Mode.grid
    /// The selected face's heat map of evidence (y).
    var showWhy = false
    /// The selected face shown large over the grid (double-click, Esc closes).
    private(set) var enlarged = false
    /// Computes the "why" maps; nil without a model (or one that cannot be explained: `explainerProblem`).
    var explainer: ExplanationWorker?
    var explainerProblem: String?

    private var predictionsBySplit: [String: SplitPredictions] = [:]
    private var predictionsSeen = -1
    private(set) var visible: [Int] = []  // indices into the split's faces, after the filter
    private var visibleIsCurrent = false
    var selected = 0                      // index into `visible`
    var scrollRow = 0
    var thumbnails: [Int: ImageTexture] = [:]
    var singlePredictions: [Int: [Float]] = [:]
    var layout = BrowserLayout()
    var why: (index: Int, explanation: FaceExplainer.Explanation, layer: ImageTexture)?
    /// The map asked for and not drawn yet: which face, for which emotion, the worker's ticket.
    var pendingWhy: (index: Int, emotion: Emotion?, ticket: Int)?
    var confusion: (done: Int, texture: ImageTexture, chart: ConfusionMatrixChart)?
    var confusionDrawnAt = -Double.infinity

    /// - photoFaces: finds the face in each whole photo of a split of photos (the app's detector and framing).
    init(root: URL, fonts: Fonts, store: PredictionStore = PredictionStore(), start: BrowserStart = BrowserStart(),
         photoFaces: (detector: FaceDetecting, framing: FaceFraming)? = nil) {
        self.root = root
        self.fonts = fonts
        self.store = store
        splits = DatasetSplits(root: root, photoFaces: photoFaces)
        wantedSplit = start.split
        query = start.query
        people = start.people.flatMap { try? PersonPattern($0) }
    }

    var isLoaded: Bool { faces != nil }

    /// Whether the browser is on screen; its background predictions wait while it is not.
    var isActive = true {
        didSet { updatePausing() }
    }
    /// Why the folder or split could not be read, once that is known.
    var loadFailure: String? {
        if let failure = splits.failure { return failure }
        if let splitName, case let .failed(message) = splits.split(splitName) { return message }
        return nil
    }
    var splitNames: [String] { splits.names ?? [] }
    /// The current split's predictions (nil before its faces have loaded, or without a model).
    var predictions: SplitPredictions? { splitName.flatMap { predictionsBySplit[$0] } }
    /// Faces predicted by the background pass so far (for tests).
    var predictedCount: Int { predictions?.done ?? 0 }
    /// Faces the filter lets through.
    var visibleCount: Int { refreshVisible(); return visible.count }

    /// The current split's faces, once read.
    var faces: LabeledFaces? {
        if splitName == nil { splitName = splits.initialSplit(wantedSplit) }
        guard let splitName, case let .loaded(faces, _, _) = splits.split(splitName) else { return nil }
        return faces
    }

    /// How the current split's faces were found, for a split of whole photos.
    var splitNote: String? {
        guard let splitName, case let .loaded(_, _, note) = splits.split(splitName) else { return nil }
        return note
    }

    /// The selected face's index in the split, if any face is shown.
    var selectedIndex: Int? {
        refreshVisible()
        return visible.indices.contains(selected) ? visible[selected] : nil
    }

    /// Starts predicting the current split when its faces are there (at once from the store if done before).
    func startPredictions(classifier: EmotionClassifying) {
        guard let splitName, predictionsBySplit[splitName] == nil,
              case let .loaded(faces, fingerprint, _) = splits.split(splitName) else { return }
        let key = PredictionStore.Key(classifier: classifier, root: root.path, split: splitName, faces: fingerprint)
        predictionsBySplit[splitName] = SplitPredictions(faces: faces, classifier: classifier, store: store, key: key,
                                                         paused: !isActive, people: people.map { faces.paths.map($0.person) })
        updatePausing()
    }

    /// Only the split on screen is predicted, and only while the browser is shown.
    private func updatePausing() {
        for (name, predictions) in predictionsBySplit { predictions.paused = !isActive || name != splitName }
    }

    // MARK: Input

    func perform(_ command: KeyCommand) {
        switch command {
        case let .filter(n):
            setQuery { $0.trueClass = n == 0 ? nil : Emotion(rawValue: n - 1); if n == 0 { $0.predictedClass = nil } }
            return
        case let .predictedFilter(n): setQuery { $0.predictedClass = n == 0 ? nil : Emotion(rawValue: n - 1) }; return
        case .cycleOutcome: setQuery { $0.outcome = $0.outcome.next }; return
        case .cycleOrder: setQuery { $0.order = $0.order.next }; return
        case .nextSplit: switchSplit(by: 1); return
        case .toggleConfusion: mode = mode == .grid ? .confusion : .grid; enlarged = false; return
        case .escape:
            if enlarged { enlarged = false } else if mode == .confusion { mode = .grid }
            return
        default: break
        }
        refreshVisible()
        guard !visible.isEmpty, mode == .grid else { return }
        let columns = max(1, layout.columns), page = columns * max(1, layout.rows - 1)
        switch command {
        case .left: selected -= 1
        case .right: selected += 1
        case .up: selected -= columns
        case .down: selected += columns
        case .pageUp: selected -= page
        case .pageDown: selected += page
        case .home: selected = 0
        case .end: selected = visible.count - 1
        default: break
        }
        clampSelection()
        keepSelectionVisible()
    }

    /// Whether Esc has something to close here (else it goes to the window: help, fullscreen).
    var escapeCloses: Bool { enlarged || mode == .confusion }

    func scroll(by rows: Int) {
        guard mode == .grid else { return }
        scrollRow = max(0, scrollRow + rows * 2)
    }

    func click(at point: Point, canvasSize: Size) {
        if let chip = layout.splitChips.first(where: { $0.rect.contains(point) }) {
            if let index = splitNames.firstIndex(of: chip.split), let current = splitName.flatMap(splitNames.firstIndex(of:)) {
                switchSplit(by: index - current)
            }
            return
        }
        if let chip = layout.chips.first(where: { $0.rect.contains(point) }) {
            setQuery { $0.trueClass = chip.emotion; if chip.emotion == nil { $0.predictedClass = nil } }
            return
        }
        if mode == .confusion {
            switch layout.confusionTarget(at: point) {
            case let .cell(truth, prediction)?: showCell(truth: truth, prediction: prediction)
            case let .row(truth)?: setQuery { $0.trueClass = truth; $0.predictedClass = nil }; mode = .grid
            case let .column(prediction)?: setQuery { $0.trueClass = nil; $0.predictedClass = prediction }; mode = .grid
            case nil: break
            }
            return
        }
        if enlarged { return }
        if let position = gridPosition(at: point) { selected = position }
    }

    /// Double-click on a face: shows it large (again: back to the grid).
    func doubleClick(at point: Point) {
        if enlarged { enlarged = false; return }
        guard mode == .grid, let position = gridPosition(at: point) else { return }
        selected = position
        enlarged = true
    }

    /// Exactly the faces of one confusion-matrix cell (true class `truth`, predicted `prediction`), in the grid.
    func showCell(truth: Emotion, prediction: Emotion) {
        setQuery {
            $0.trueClass = truth
            $0.predictedClass = prediction
            $0.outcome = .all
        }
        mode = .grid
    }

    private func gridPosition(at point: Point) -> Int? {
        guard layout.grid.contains(point) else { return nil }
        let column = (point.x - layout.grid.x) / layout.cell, row = (point.y - layout.grid.y) / layout.cell
        guard column < layout.columns else { return nil }
        let position = (scrollRow + row) * layout.columns + column
        return position < visible.count ? position : nil
    }

    private func switchSplit(by step: Int) {
        let names = splitNames
        guard !names.isEmpty else { return }
        let current = splitName.flatMap(names.firstIndex(of:)) ?? 0
        let next = names[((current + step) % names.count + names.count) % names.count]
        guard next != splitName else { return }
        splitName = next
        thumbnails = [:]
        singlePredictions = [:]
        why = nil
        pendingWhy = nil
        confusion = nil
        enlarged = false
        predictionsSeen = -1
        updatePausing()
        setQuery { _ in }
    }

    private func setQuery(_ change: (inout PredictionQuery) -> Void) {
        change(&query)
        visibleIsCurrent = false
        selected = 0
        scrollRow = 0
        enlarged = false
        refreshVisible()
    }

    /// The faces the filter lets through, once the split has loaded.
    func refreshVisible() {
        // Predictions arriving change what a query over them shows.
        if query.needsPredictions, let batch = predictions, batch.done != predictionsSeen {
            predictionsSeen = batch.done
            visibleIsCurrent = false
        }
        guard !visibleIsCurrent, let faces else { return }
        visible = query.indices(labels: faces.labels, probabilities: predictions?.probabilities ?? [])
        visibleIsCurrent = true
        clampSelection()
    }

    /// Keeps `selected` a valid position in `visible` (0 when nothing is visible).
    func clampSelection() {
        selected = max(0, min(selected, visible.count - 1))
    }

    private func keepSelectionVisible() {
        let columns = max(1, layout.columns)
        let row = selected / columns
        if row < scrollRow { scrollRow = row }
        if row >= scrollRow + layout.rows { scrollRow = row - layout.rows + 1 }
    }
}
