import Expression
import Foundation
import Graphics
import Imaging
import Live
import Testing
import TestSupport
@testable import Viewer

extension SDLSuite {
/// The browser as a user drives it: every key its hint names, on a real (small, generated) dataset folder.
@Suite struct DatasetBrowserTests {
    /// ROOT/val/CLASS/*.png with `perClass[i]` faces of class i (no folder for a class with none).
    static func makeDataset(perClass: [Int], splits: [String] = ["val"]) throws -> URL {
        let root = try TestData.temporaryDirectory("browser")
        for split in splits {
            try addSplit(split, perClass: perClass, to: root, seed: split == "val" ? 0 : 101)
        }
        return root
    }

    /// Face i of class c has first pixel value 10·c + i (so a test classifier can read both back).
    static func addSplit(_ split: String, perClass: [Int], to root: URL, seed: Int) throws {
        for (c, emotion) in Emotion.allCases.enumerated() where perClass[c] > 0 {
            let folder = root.appendingPathComponent("\(split)/\(emotion.name)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<perClass[c] {
                var pixels = (0..<2304).map { UInt8(($0 * (c + 1) + i * 17 + seed) & 255) }
                pixels[0] = UInt8(10 * c + i)
                try GrayImage(width: 48, height: 48, pixels: pixels).writePNG(to: folder.appendingPathComponent("\(i).png"))
            }
        }
    }

    static func loaded(_ root: URL, fonts: Fonts) throws -> DatasetBrowser {
        let browser = DatasetBrowser(root: root, fonts: fonts)
        let deadline = Date(timeIntervalSinceNow: 60)
        while !browser.isLoaded && browser.loadFailure == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(browser.isLoaded, "\(browser.loadFailure ?? "timed out")")
        return browser
    }

    /// Every digit filter (0 = all, 1–7 the classes, one of them empty), then moving around in each: no crash,
    /// and each frame still draws.
    @Test func digitFiltersAndMovesNeverCrash() throws {
        let root = try Self.makeDataset(perClass: [3, 0, 2, 5, 1, 4, 2])
        defer { try? FileManager.default.removeItem(at: root) }
        let fonts = try Fonts()
        let canvas = try Canvas(offscreenWidth: 900, height: 600)
        let browser = try Self.loaded(root, fonts: fonts)
        for digit in 0...7 {
            browser.perform(.filter(digit))
            try browser.draw(on: canvas, classifier: nil, toast: nil, showHelp: false)
            for move in [KeyCommand.right, .down, .pageDown, .left, .up, .pageUp, .right, .right, .right] {
                browser.perform(move)
                try browser.draw(on: canvas, classifier: nil, toast: nil, showHelp: false)
            }
            let expected = digit == 0 ? 17 : [3, 0, 2, 5, 1, 4, 2][digit - 1]
            #expect(browser.visibleCount == expected, "filter \(digit)")
        }
    }

    /// Says "happy" for every face.
    final class HappyClassifier: EmotionClassifying, @unchecked Sendable {
        let modelName = "happy"
        func probabilities(for faces: [GrayImage]) -> [[Float]] { faces.map { _ in [0, 0, 0, 0.9, 0.1, 0, 0] } }
    }

    /// The whole split is predicted in the background; `e` then shows the wrong faces, then the right ones.
    @Test func misclassifiedAndCorrectFacesAfterBackgroundPredictions() throws {
        let root = try Self.makeDataset(perClass: [0, 0, 0, 3, 0, 2, 0])
        defer { try? FileManager.default.removeItem(at: root) }
        let fonts = try Fonts()
        let canvas = try Canvas(offscreenWidth: 900, height: 600)
        let browser = try Self.loaded(root, fonts: fonts)
        let classifier = HappyClassifier()
        let deadline = Date(timeIntervalSinceNow: 60)
        repeat {
            try browser.draw(on: canvas, classifier: classifier, toast: nil, showHelp: false)
            Thread.sleep(forTimeInterval: 0.01)
        } while browser.predictedCount < 5 && Date() < deadline
        #expect(browser.predictedCount == 5)
        browser.perform(.cycleOutcome)
        #expect(browser.visibleCount == 2, "the two sad faces, called happy")
        browser.perform(.cycleOutcome)
        #expect(browser.visibleCount == 3, "the three happy faces")
        browser.perform(.cycleOrder)
        try browser.draw(on: canvas, classifier: classifier, toast: nil, showHelp: false)
        #expect(browser.visibleCount == 3)
    }

    /// The confusion matrix's title says how its faces were classified, as the `eval` command that gives the same
    /// matrix would be told: one view a face by default, the views `browse --tta` names otherwise.
    @Test func theMatrixSaysWhichViewsScoredTheSplit() {
        final class ZoomClassifier: EmotionClassifying, @unchecked Sendable {
            let modelName = "zoom"
            var views: TestTimeAugmentation? { .zoom }
            func probabilities(for faces: [GrayImage]) -> [[Float]] { faces.map { _ in [0, 0, 0, 1, 0, 0, 0] } }
        }
        var faces = LabeledFaces()
        faces.append([UInt8](repeating: 90, count: 2304), label: .happy, path: "a")
        #expect(SplitPredictions(faces: faces, classifier: HappyClassifier(), paused: true).scoring == "one view a face, as eval")
        #expect(SplitPredictions(faces: faces, classifier: ZoomClassifier(), paused: true).scoring
                == "4 views a face: closer, mirrored, as eval --tta zoom")
    }

    /// While the live view is shown the browser's predictions wait, so the live classifier is not starved.
    @Test func backgroundPredictionsWaitWhilePaused() throws {
        var faces = LabeledFaces()
        for i in 0..<600 { faces.append([UInt8](repeating: UInt8(i % 256), count: 2304), label: .happy, path: "\(i)") }
        let predictions = SplitPredictions(faces: faces, classifier: HappyClassifier(), paused: true)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(predictions.done == 0, "started paused: nothing predicted")
        predictions.paused = false
        while predictions.done == 0 { Thread.sleep(forTimeInterval: 0.0001) }
        predictions.paused = true
        let atPause = predictions.done
        Thread.sleep(forTimeInterval: 0.3)
        #expect(predictions.done <= atPause + SplitPredictions.batchSize, "at most the batch under way when paused")
        predictions.paused = false
        let deadline = Date(timeIntervalSinceNow: 60)
        while predictions.done < 600 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(predictions.done == 600)
    }

    /// A folder of whole photos (a user's own, or another database's) shows the face found in each, as the
    /// live view would classify it, and says so; a folder of face crops is shown as it is.
    @Test func wholePhotosShowTheFaceFoundInThem() throws {
        let root = try TestData.temporaryDirectory("browser-photos")
        defer { try? FileManager.default.removeItem(at: root) }
        for (name, image) in [("happy", PhotoSplitTests.photo(background: 30, face: 220)),
                              ("sad", PhotoSplitTests.photo(background: 60, face: nil))] {
            let folder = root.appendingPathComponent("test/\(name)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try image.writePNG(to: folder.appendingPathComponent("a.png"))
        }
        let fonts = try Fonts()
        let detector = PhotoSplitTests.SquareDetector()
        let browser = DatasetBrowser(root: root, fonts: fonts, photoFaces: (detector, .detectorBox))
        let deadline = Date(timeIntervalSinceNow: 60)
        while !browser.isLoaded && browser.loadFailure == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let faces = try #require(browser.faces)
        #expect(faces.count == 2 && faces.labels == [.happy, .sad])
        #expect(faces.face(0).pixels.allSatisfy { $0 == 220 }, "the face found, not the whole photo")
        #expect(browser.splitNote == "faces found in 1 of 2 photos")
        try browser.draw(on: try Canvas(offscreenWidth: 900, height: 600), classifier: HappyClassifier(), toast: nil, showHelp: false)

        // FER2013-style crops: the detector is never asked, and nothing is said.
        let crops = try Self.makeDataset(perClass: [1, 0, 0, 2, 0, 0, 0])
        defer { try? FileManager.default.removeItem(at: crops) }
        let calls = detector.calls
        let cropBrowser = DatasetBrowser(root: crops, fonts: fonts, photoFaces: (detector, .detectorBox))
        while !cropBrowser.isLoaded && cropBrowser.loadFailure == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(cropBrowser.faces?.count == 3 && cropBrowser.splitNote == nil && detector.calls == calls)
    }

    /// `browse --people`: once the split is predicted, each face is read against its person's usual face, as
    /// `eval --detect --people` reads it, and the header says so.
    @Test func facesAreReadAgainstTheirPersonsUsualFace() throws {
        let root = try TestData.temporaryDirectory("browser-people")
        defer { try? FileManager.default.removeItem(at: root) }
        // Ann rests twice and frowns once; Bob only frowns (no other photo to learn his usual face from).
        for (name, emotion, face) in [("ann-1", Emotion.neutral, UInt8(200)), ("ann-2", .neutral, 200), ("ann-3", .angry, 210),
                                      ("bob-1", .angry, 210)] {
            let folder = root.appendingPathComponent("test/\(emotion.name)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try PhotoSplitTests.photo(background: 30, face: face).writePNG(to: folder.appendingPathComponent("\(name).png"))
        }
        let fonts = try Fonts()
        let canvas = try Canvas(offscreenWidth: 900, height: 600)
        var misclassified: [Int] = []
        for people in [nil, "^[^-]+"] {
            let browser = DatasetBrowser(root: root, fonts: fonts, start: BrowserStart(people: people),
                                         photoFaces: (PhotoSplitTests.SquareDetector(), .detectorBox))
            let classifier = PhotoEvaluationTests.SubtleClassifier()
            let deadline = Date(timeIntervalSinceNow: 60)
            repeat {
                try browser.draw(on: canvas, classifier: classifier, toast: nil, showHelp: false)
                Thread.sleep(forTimeInterval: 0.01)
            } while browser.predictedCount < 4 && Date() < deadline
            #expect(browser.predictions?.readPerPerson == (people != nil))
            browser.perform(.cycleOutcome)
            misclassified.append(browser.visibleCount)
        }
        #expect(misclassified == [2, 1], "the network alone calls both frowns neutral; against her usual face Ann's is angry")
    }

    /// Keys pressed before the folder has loaded are harmless too.
    @Test func keysBeforeLoadingAreHarmless() throws {
        let browser = DatasetBrowser(root: URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)"), fonts: try Fonts())
        for command in [KeyCommand.filter(3), .right, .pageDown, .filter(0), .left] { browser.perform(command) }
        #expect(browser.visibleCount == 0)
    }
}
}
