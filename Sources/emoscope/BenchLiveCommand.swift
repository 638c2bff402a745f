import ArgumentParser
import Foundation
import Viewer

/// `emoscope bench live --video FILE`: runs the real viewer on a video and measures what a user feels —
/// frame rate, how often each face is classified, capture-to-screen latency and memory.
struct BenchLiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Measure the live viewer on a video: render fps, classifications per face, latency, memory.",
        discussion: """
            Targets (640x480 video with 3 faces, see `emoscope demo-video`): render >= 30 fps, every face classified \
            >= 15 times/s, capture-to-display latency <= 100 ms, resident memory <= 300 MB and flat. \
            Uses the display in $DISPLAY (e.g. under xvfb-run), else SDL's offscreen driver.
            """)

    @Option(name: .long, help: "The video to play (e.g. made by `emoscope demo-video`).") var video: String
    @Option(name: .long, help: "How long to measure, in seconds.") var seconds: Double = 30
    @Option(name: .long, help: "Also record the whole run (CSV, summary, plot) into this folder, as r does.") var record: String?
    @Flag(name: .long, help: "With --record: the recording also writes the annotated video, as v switches on.") var recordVideo = false
    @Flag(name: .long, help: "Read faces by the network alone, not each against its usual face (to measure what that costs).") var noAdaptation = false
    @Flag(name: .long, help: "Show the why view's heat map on the panel face, as y does (to measure what that costs).") var why = false
    @OptionGroup var classification: ClassificationOptions

    func run() throws {
        #if DEBUG
        print("warning: this is a debug build; measure with `swift build -c release` (make bench)")
        #endif
        if ProcessInfo.processInfo.environment["DISPLAY"] == nil && ProcessInfo.processInfo.environment["WAYLAND_DISPLAY"] == nil {
            setenv("SDL_VIDEODRIVER", "offscreen", 0)
        }
        let setup = ViewerSetup.make(classification, live: true)
        for warning in setup.warnings { print("warning: \(warning)") }
        print("classify    TTA \(setup.testTimeAugmentation.rawValue)\(setup.adaptsViews ? " (fewer views when it cannot keep up)" : ""), \(classification.compute.threads) thread\(classification.compute.threads == 1 ? "" : "s"), "
              + (noAdaptation ? "network alone" : "each face against its usual face"))
        var options = ViewerOptions(source: .video(video))
        options.windowSize = (1280, 720)
        options.benchmarkSeconds = seconds
        options.persistSettings = false
        options.renderer = EmoscopeEnvironment.current.renderer
        if let record {
            options.recordingDirectory = URL(fileURLWithPath: record)
            options.recordFromStart = true
        }
        options.showWhy = why
        var settings = Settings()
        settings.recordsVideo = recordVideo
        settings.adaptation = !noAdaptation
        let app = App(options: options, settings: settings, detector: setup.detector, classifier: setup.classifier,
                      explainer: why ? setup.explainer : nil, explainerProblem: setup.explainerProblem)
        if why, setup.explainer == nil { print("warning: no why view: \(setup.explainerProblem ?? "no model")") }
        let stats = try app.run()
        print(BenchLiveReport(stats: stats, hasClassifier: setup.classifier != nil).text)
    }
}

/// The printed result of the live benchmark, with each target checked.
struct BenchLiveReport {
    let stats: LiveStats
    let hasClassifier: Bool

    var text: String {
        var lines: [String] = []
        let seconds = stats.endedAt - stats.startedAt
        lines.append(String(format: "render      %.1f fps (%d frames in %.1f s)", stats.renderFPS, stats.renderedFrames, seconds))
        let rates = stats.perFaceRates().sorted()
        if hasClassifier, let low = rates.first, let median = LiveStats.percentile(rates, 0.5) {
            lines.append(String(format: "per face    %d faces tracked >= 1 s; classified min %.1f/s, median %.1f/s", rates.count, low, median))
        } else {
            lines.append(hasClassifier ? "per face    no face was tracked for a second" : "per face    no model: faces detected but not classified")
        }
        let intervals = stats.frameIntervals.map { $0 * 1000 }
        if let median = LiveStats.percentile(intervals, 0.5), let p99 = LiveStats.percentile(intervals, 0.99),
           let longest = intervals.max() {
            lines.append(String(format: "frames      interval median %.1f ms, p99 %.1f ms, longest %.0f ms; %d of %d over 25 ms",
                                median, p99, longest, intervals.filter { $0 > 25 }.count, intervals.count))
        }
        let latencies = stats.latencies.map { $0 * 1000 }
        if let median = LiveStats.percentile(latencies, 0.5), let p95 = LiveStats.percentile(latencies, 0.95) {
            lines.append(String(format: "latency     capture→display median %.0f ms, p95 %.0f ms (%d results)", median, p95, latencies.count))
        }
        if let detect = LiveStats.percentile(stats.detectSeconds, 0.5), let classify = LiveStats.percentile(stats.classifySeconds, 0.5),
           let ready = LiveStats.percentile(stats.inferenceLatencies, 0.5) {
            lines.append(String(format: "inference   %.1f frames/s; median detect %.1f ms, classify %.1f ms, capture→result %.0f ms",
                                Double(stats.detectSeconds.count) / max(seconds, 1e-6), detect * 1000, classify * 1000, ready * 1000))
        }
        let mb = stats.memory.map { Double($0.1) / 1_048_576 }
        if let first = mb.first, let last = mb.last, let peak = mb.max() {
            let half = mb.count / 2
            let early = mb.prefix(max(1, half)).reduce(0, +) / Double(max(1, half))
            let late = mb.suffix(max(1, mb.count - half)).reduce(0, +) / Double(max(1, mb.count - half))
            lines.append(String(format: "memory      RSS start %.0f MB, end %.0f MB, peak %.0f MB; second half minus first half %+.1f MB",
                                first, last, peak, late - early))
        }
        let classified = stats.framesByViews.values.reduce(0, +)
        if classified > 0 {
            let shares = stats.framesByViews.sorted { $0.key.viewCount > $1.key.viewCount }
                .map { String(format: "%@ %.0f %%", $0.key.rawValue, 100 * Double($0.value) / Double(classified)) }
            lines.append("views       \(shares.joined(separator: ", ")) of the \(classified) frames with faces")
        }
        func mark(_ ok: Bool?) -> String { ok.map { $0 ? "met" : "MISSED" } ?? "not measured" }
        let perFaceOK: Bool? = hasClassifier ? rates.first.map { $0 >= 15 } : nil
        let latencyOK = LiveStats.percentile(latencies, 0.5).map { $0 <= 100 }
        lines.append("targets     render >= 30 fps: \(mark(stats.renderFPS >= 30)); each face >= 15/s: \(mark(perFaceOK)); "
                     + "latency <= 100 ms (median): \(mark(latencyOK)); RSS <= 300 MB: \(mark(mb.max().map { $0 <= 300 }))")
        return lines.joined(separator: "\n")
    }
}
