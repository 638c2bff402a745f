import ArgumentParser
import Expression
import Foundation
import Imaging
import NeuralNet
import Viewer

/// `emoscope bench browser --data ROOT`: the dataset browser's numbers — whole-split predictions in the
/// background, a second visit, the frame rate with hundreds of thumbnails, and one face's "why" map.
struct BenchBrowserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "browser",
        abstract: "Measure the dataset browser: split predictions/s, second visit, render fps, Grad-CAM per face.",
        discussion: """
            Targets (the shipped model, FER2013's 28,709 training faces): >= 2,000 faces/s predicted in the \
            background, a second visit < 1 s, >= 55 fps with 300 thumbnails on screen, one face's map < 20 ms. \
            Uses the display in $DISPLAY (e.g. xvfb-run -s "-screen 0 2560x1600x24"), else SDL's offscreen driver.
            """)

    @Option(name: .long, help: "FER2013-style folder (default: the one opened last, else $EMOSCOPE_FER2013).") var data: String?
    @Option(name: .long, help: "Split to predict and show.") var split = "train"
    @Option(name: .long, help: "How long to measure rendering, in seconds.") var seconds: Double = 10
    @Option(name: .long, help: "Faces whose why map is timed.") var faces = 100
    @Option(name: .long, help: "Batch size of the background predictions (default: the browser's).") var batch: Int?
    @Flag(name: .long, help: "Only the predictions (no why map, no window).") var predictionsOnly = false
    @OptionGroup var classification: ClassificationOptions

    func run() throws {
        #if DEBUG
        print("warning: this is a debug build; measure with `swift build -c release` (make bench)")
        #endif
        let root = try DatasetLocator.requireRoot(data, for: "bench browser")
        let setup = ViewerSetup.make(classification)
        for warning in setup.warnings { print("warning: \(warning)") }
        guard let classifier = setup.classifier, let datasetClassifier = setup.datasetClassifier else {
            throw ValidationErrorText("bench browser needs a model")
        }
        let threads = classification.compute.threads
        print("classify    the browser: \((datasetClassifier.views ?? .none).summary); the why view: TTA \(setup.testTimeAugmentation.rawValue); "
              + "\(threads) thread\(threads == 1 ? "" : "s")")

        let loadStart = Date()
        let load = try Dataset.open(root).load(split: split)
        print(String(format: "load        %@/%@: %d faces in %.2f s%@", root.lastPathComponent, split, load.faces.count,
                     Date().timeIntervalSince(loadStart), load.fromCache ? " (decoded-face cache)" : ""))

        // The reference in the same run: the same classifier called directly, in batches of 64 (as bench inference).
        let sample = Array((0..<min(load.faces.count, 4096)).map(load.faces.face))
        let referenceStart = Date()
        for start in stride(from: 0, to: sample.count, by: 64) {
            _ = datasetClassifier.probabilities(for: Array(sample[start..<min(sample.count, start + 64)]))
        }
        let reference = Double(sample.count) / Date().timeIntervalSince(referenceStart)

        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("emoscope-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        let store = PredictionStore(directory: cache)
        let measured = BrowserBenchmark.predictions(faces: load.faces, root: root, split: split, classifier: datasetClassifier,
                                                    store: store, batchSize: batch)
        let rate = Double(load.faces.count) / measured.seconds
        print(String(format: "predict     %d faces in %.1f s = %.0f faces/s in the background, batches of %d "
                     + "(reference: %.0f faces/s called directly in batches of 64, %d faces)  target >= 2000  %@",
                     load.faces.count, measured.seconds, rate, measured.batchSize, reference, sample.count, verdict(rate >= 2000)))
        print(String(format: "2nd visit   %.3f s (%@)  target < 1 s  %@", measured.secondVisitSeconds,
                     measured.secondVisitWasComplete ? "all predictions from the store" : "NOT from the store",
                     verdict(measured.secondVisitSeconds < 1 && measured.secondVisitWasComplete)))
        if let restart = measured.afterRestartSeconds {
            print(String(format: "restarted   %.3f s (%@, from the disk cache)  target < 1 s  %@", restart,
                         measured.afterRestartWasComplete ? "all predictions" : "NOT complete",
                         verdict(restart < 1 && measured.afterRestartWasComplete)))
        }

        if predictionsOnly { return }
        if let explainer = setup.explainer {
            let count = min(faces, load.faces.count)
            var times: [Double] = []
            for i in 0..<count {
                let face = load.faces.face(i * max(1, load.faces.count / count))
                let t0 = Date()
                _ = explainer.explain(face)
                times.append(Date().timeIntervalSince(t0))
            }
            times.sort()
            // As the app computes them: on the why view's own thread, one core, beside the render loop.
            var serial: [Double] = []
            for i in 0..<count {
                let face = load.faces.face(i * max(1, load.faces.count / count))
                let t0 = Date()
                _ = Compute.serially { explainer.explain(face) }
                serial.append(Date().timeIntervalSince(t0))
            }
            serial.sort()
            let single = Date()
            for i in 0..<count { _ = classifier.probabilities(for: [load.faces.face(i)]) }
            let classify = Date().timeIntervalSince(single) / Double(count)
            print(String(format: "why map     median %.1f ms, p95 %.1f ms per face (%d faces; classifying one face: %.1f ms)  "
                         + "target < 20 ms  %@", times[times.count / 2] * 1e3, times[times.count * 95 / 100] * 1e3, count,
                         classify * 1e3, verdict(times[times.count / 2] < 0.020)))
            print(String(format: "why map     on one core, as the app's why thread computes it off the render loop: median %.1f ms, p95 %.1f ms",
                         serial[serial.count / 2] * 1e3, serial[serial.count * 95 / 100] * 1e3))
        } else {
            print("why map     not measured: \(setup.explainerProblem ?? "no explainer")")
        }

        if ProcessInfo.processInfo.environment["DISPLAY"] == nil && ProcessInfo.processInfo.environment["WAYLAND_DISPLAY"] == nil {
            setenv("SDL_VIDEODRIVER", "offscreen", 0)
        }
        var options = ViewerOptions(source: .camera(99), dataRoot: root.path)
        options.browser = BrowserStart(split: split)
        options.windowSize = (2000, 1400)
        options.benchmarkSeconds = seconds
        options.persistSettings = false
        options.renderer = EmoscopeEnvironment.current.renderer
        let app = App(options: options, settings: Settings(), detector: nil, classifier: classifier,
                      explainer: setup.explainer, predictionStore: store, datasetClassifier: datasetClassifier)
        let stats = try app.run()
        let thumbnails = stats.browserThumbnails ?? 0
        print(String(format: "render      %.1f fps with %d thumbnails on screen (%d frames in %.1f s)  target >= 55 fps with 300  %@",
                     stats.renderFPS, thumbnails, stats.renderedFrames, stats.endedAt - stats.startedAt,
                     verdict(stats.renderFPS >= 55 && thumbnails >= 300)))
    }

    private func verdict(_ ok: Bool) -> String { ok ? "ok" : "MISSED" }
}
