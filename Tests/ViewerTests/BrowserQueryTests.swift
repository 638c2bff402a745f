import Expression
import Foundation
import Graphics
import Imaging
import Live
import Testing
import TestSupport
@testable import Viewer

extension SDLSuite {
/// Filters, orders, splits, the confusion-matrix view and the cache, driven as a user drives them, on a
/// generated dataset and a classifier whose every answer is known.
@Suite struct BrowserQueryTests {
    /// Reads face i of class c back from its first pixel (10·c + i): says class (c + i) % 7 (so face 0 of each
    /// class is right, the others wrong), with confidence 0.3 + 0.1·i.
    final class KnownClassifier: EmotionClassifying, @unchecked Sendable {
        let modelName = "known"
        static func answer(truth c: Int, index i: Int) -> (Emotion, Float) { (Emotion(rawValue: (c + i) % 7)!, 0.3 + 0.1 * Float(i)) }
        func probabilities(for faces: [GrayImage]) -> [[Float]] {
            faces.map { face in
                let code = Int(face.pixels[0])
                let (predicted, confidence) = Self.answer(truth: code / 10, index: code % 10)
                var p = [Float](repeating: (1 - confidence) / 6, count: 7)
                p[predicted.rawValue] = confidence
                return p
            }
        }
    }

    static let perClass = [3, 1, 2, 4, 2, 3, 2]

    /// A browser on a fresh dataset, drawn until every face of the split is predicted.
    static func predicted(_ browser: DatasetBrowser, classifier: EmotionClassifying, canvas: Canvas) throws {
        let deadline = Date(timeIntervalSinceNow: 60)
        repeat {
            try browser.draw(on: canvas, classifier: classifier, toast: nil, showHelp: false)
            Thread.sleep(forTimeInterval: 0.01)
        } while (browser.faces == nil || browser.predictedCount < browser.faces!.count) && Date() < deadline
        #expect(browser.faces != nil && browser.predictedCount == browser.faces!.count)
    }

    /// (class, index within class) of each visible face, from its file path.
    static func shown(_ browser: DatasetBrowser) -> [(Int, Int)] {
        guard let faces = browser.faces else { return [] }
        _ = browser.visibleCount
        return browser.visible.map { (faces.labels[$0].rawValue, Int(URL(fileURLWithPath: faces.paths[$0]).deletingPathExtension().lastPathComponent)!) }
    }

    @Test func filtersAndOrdersMatchTheKnownPredictions() throws {
        let root = try DatasetBrowserTests.makeDataset(perClass: Self.perClass)
        defer { try? FileManager.default.removeItem(at: root) }
        let canvas = try Canvas(offscreenWidth: 1000, height: 700)
        let browser = DatasetBrowser(root: root, fonts: try Fonts())
        try Self.predicted(browser, classifier: KnownClassifier(), canvas: canvas)
        let all = Self.perClass.enumerated().flatMap { c, n in (0..<n).map { (c, $0) } }
        #expect(Self.shown(browser).map { "\($0)" } == all.map { "\($0)" }, "file order: by class, then name")

        browser.perform(.cycleOutcome) // misclassified
        #expect(Set(Self.shown(browser).map { "\($0)" }) == Set(all.filter { $0.1 != 0 }.map { "\($0)" }))
        browser.perform(.cycleOutcome) // correct
        #expect(Set(Self.shown(browser).map { "\($0)" }) == Set((0..<7).map { "(\($0), 0)" }))
        browser.perform(.cycleOutcome) // all again
        browser.perform(.filter(4))    // true class happy
        #expect(Self.shown(browser).map(\.0) == [3, 3, 3, 3])

        // By loss: p(true) = (1 − confidence)/6 for the wrong ones, lowest for the most confident (largest i).
        browser.perform(.filter(0))
        browser.perform(.cycleOutcome)  // misclassified
        browser.perform(.cycleOrder)    // confidence
        browser.perform(.cycleOrder)    // loss
        let byLoss = Self.shown(browser)
        #expect(byLoss.first.map { $0.1 } == 3, "the most confidently wrong face first: index 3 of happy")
        let losses = byLoss.map { (c, i) in -log(Double(1 - KnownClassifier.answer(truth: c, index: i).1) / 6) }
        #expect(losses == losses.sorted(by: >), "highest loss first: \(byLoss)")
    }

    /// Clicking confusion-matrix cell (i, j) shows exactly the faces of true class i predicted as j.
    @Test func confusionCellShowsExactlyItsFaces() throws {
        let root = try DatasetBrowserTests.makeDataset(perClass: Self.perClass)
        defer { try? FileManager.default.removeItem(at: root) }
        let canvas = try Canvas(offscreenWidth: 1280, height: 900)
        let browser = DatasetBrowser(root: root, fonts: try Fonts())
        let classifier = KnownClassifier()
        try Self.predicted(browser, classifier: classifier, canvas: canvas)
        for (truth, prediction) in [(3, 5), (3, 3), (0, 2), (5, 6), (1, 4)] {
            browser.perform(.toggleConfusion)
            try browser.draw(on: canvas, classifier: classifier, toast: nil, showHelp: false)
            let grid = try #require(browser.layout.confusionGrid)
            let side = browser.layout.confusionCellSide
            let point = Point(x: grid.x + Int((Double(prediction) + 0.5) * side), y: grid.y + Int((Double(truth) + 0.5) * side))
            browser.click(at: point, canvasSize: canvas.size)
            #expect(browser.mode == .grid)
            let expected = (0..<Self.perClass[truth]).filter { KnownClassifier.answer(truth: truth, index: $0).0.rawValue == prediction }
            let shown = Self.shown(browser)
            #expect(shown.allSatisfy { $0.0 == truth }, "cell (\(truth), \(prediction))")
            #expect(shown.map(\.1) == expected, "cell (\(truth), \(prediction)): \(shown)")
            try browser.draw(on: canvas, classifier: classifier, toast: nil, showHelp: false)
        }
    }

    /// A row's name in the confusion view selects its true class, a column's its predicted class; Shift+digit
    /// picks a predicted class in the grid.
    @Test func confusionLabelsAndShiftDigitsFilterOneSide() throws {
        let root = try DatasetBrowserTests.makeDataset(perClass: Self.perClass)
        defer { try? FileManager.default.removeItem(at: root) }
        let canvas = try Canvas(offscreenWidth: 1280, height: 900)
        let browser = DatasetBrowser(root: root, fonts: try Fonts())
        let classifier = KnownClassifier()
        try Self.predicted(browser, classifier: classifier, canvas: canvas)
        let all = Self.perClass.enumerated().flatMap { c, n in (0..<n).map { (c, $0) } }
        func predicted(_ face: (Int, Int)) -> Int { KnownClassifier.answer(truth: face.0, index: face.1).0.rawValue }

        browser.perform(.toggleConfusion)
        try browser.draw(on: canvas, classifier: classifier, toast: nil, showHelp: false)
        var grid = try #require(browser.layout.confusionGrid)
        let side = browser.layout.confusionCellSide
        browser.click(at: Point(x: grid.x - Int(side / 2), y: grid.y + Int(5.5 * side)), canvasSize: canvas.size)
        #expect(browser.mode == .grid && Self.shown(browser).map(\.0) == [5, 5, 5], "row sad: the three sad faces")

        browser.perform(.toggleConfusion)
        try browser.draw(on: canvas, classifier: classifier, toast: nil, showHelp: false)
        grid = try #require(browser.layout.confusionGrid)
        browser.click(at: Point(x: grid.x + Int(4.5 * side), y: grid.y - Int(side / 4)), canvasSize: canvas.size)
        #expect(Self.shown(browser).map { "\($0)" } == all.filter { predicted($0) == 4 }.map { "\($0)" },
                "column neutral: every face predicted neutral")

        browser.perform(.filter(0))
        browser.perform(.predictedFilter(4))
        #expect(Self.shown(browser).map { "\($0)" } == all.filter { predicted($0) == 3 }.map { "\($0)" },
                "Shift+4: every face predicted happy")
        let leftShift: UInt16 = 0x0001 // KMOD_LSHIFT
        #expect(KeyCommand.from(keycode: Int32(UInt8(ascii: "4")), modifiers: leftShift) == .predictedFilter(4))
        #expect(KeyCommand.from(keycode: Int32(UInt8(ascii: "4")), modifiers: 0) == .filter(4))
    }

    /// `n` and the split chips go through every split; the header's count follows; a second visit is predicted
    /// at once from the store, and another classifier is not served from it.
    @Test func splitsSwitchAndPredictionsAreCachedPerModel() throws {
        let root = try DatasetBrowserTests.makeDataset(perClass: Self.perClass, splits: ["test", "train", "val"])
        defer { try? FileManager.default.removeItem(at: root) }
        let canvas = try Canvas(offscreenWidth: 1000, height: 700)
        let store = PredictionStore()
        let classifier = KnownClassifier()
        let browser = DatasetBrowser(root: root, fonts: try Fonts(), store: store, start: BrowserStart(split: "train"))
        try Self.predicted(browser, classifier: classifier, canvas: canvas)
        #expect(browser.splitName == "train" && browser.splitNames == ["test", "train", "val"])
        browser.perform(.nextSplit)
        try Self.predicted(browser, classifier: classifier, canvas: canvas)
        #expect(browser.splitName == "val")
        let chip = try #require(browser.layout.splitChips.first { $0.split == "test" })
        browser.click(at: Point(x: chip.rect.midX, y: chip.rect.midY), canvasSize: canvas.size)
        #expect(browser.splitName == "test")

        // Another browser on the same folder (the folder opened again): done at once for the same model.
        let again = DatasetBrowser(root: root, fonts: try Fonts(), store: store, start: BrowserStart(split: "train"))
        let deadline = Date(timeIntervalSinceNow: 60)
        while again.faces == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        again.startPredictions(classifier: classifier)
        #expect(again.predictions?.fromStore == true && again.predictedCount == Self.perClass.reduce(0, +),
                "from the store, without predicting")
        let other = DatasetBrowser(root: root, fonts: try Fonts(), store: store, start: BrowserStart(split: "train"))
        while other.faces == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let otherModel = KnownClassifier()
        other.startPredictions(classifier: otherModel)
        #expect(other.predictions?.fromStore == false, "another model is predicted anew")

        // A changed face changes the fingerprint, so a changed folder is predicted anew too.
        var faces = try #require(again.faces)
        let before = FaceFingerprint(faces)
        faces.pixels[1000] &+= 1
        #expect(FaceFingerprint(faces) != before)
    }

    /// The snapshot's browser record names what is on screen and the selected face's truth and prediction.
    @Test func snapshotStateNamesTheSelectedFace() throws {
        let root = try DatasetBrowserTests.makeDataset(perClass: Self.perClass)
        defer { try? FileManager.default.removeItem(at: root) }
        let canvas = try Canvas(offscreenWidth: 1000, height: 700)
        let browser = DatasetBrowser(root: root, fonts: try Fonts(),
                                     start: BrowserStart(query: PredictionQuery(outcome: .misclassified, order: .loss)))
        let classifier = KnownClassifier()
        try Self.predicted(browser, classifier: classifier, canvas: canvas)
        browser.perform(.end)
        let state = try #require(browser.snapshotState(classifier: classifier))
        #expect(state.split == "val" && state.outcome == "misclassified" && state.order == "loss")
        let selected = try #require(state.selected)
        #expect(selected.predicted != nil && selected.predicted != selected.label)
        #expect(state.shown == Self.perClass.reduce(0, +) - 7)
    }
}
}
