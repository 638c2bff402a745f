import ArgumentParser
import Expression
import Foundation
import Imaging
import Live
import Synchronization
import Viewer

/// `emoscope analyze FILE...`: every frame (or every Nth) of videos and images, headless and as fast as the
/// machine allows, through the live view's own analyser (detection, framing, classification, tracking);
/// emotions over time as CSV, a per-track JSON summary and a timeline plot.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyse whole videos and images: a CSV row per face per frame, a summary per face, a timeline plot.",
        discussion: """
            Columns: file, time_s (from the start of the video), timestamp (ISO 8601: when the analysis started, plus time_s), \
            frame, track, x, y, w, h, the seven probabilities in the model's class order, emotion.
            """)

    @Argument(help: "Video files (any format OpenCV reads) and images.") var files: [String]
    @Option(help: "The CSV to write (default: standard output).") var csv: String?
    @Option(help: "A JSON summary per face: first and last time, frames, dominant emotion, mean probabilities.")
    var summary: String?
    @Option(help: "A PNG with each face's probabilities over time.") var plot: String?
    @Option(name: .customLong("video-out"), help: "The video as the live view shows it (boxes and labels), an MJPG .avi; one input file only.")
    var videoOut: String?
    @Option(help: "Analyse every Nth frame.") var every = 1
    @Flag(help: "Report each frame's probabilities as they are, without smoothing over time.") var noSmoothing = false
    @Flag(help: "Read each face by the model alone, not against its own usual face (learned after a few seconds in view).")
    var noAdaptation = false
    @Flag(help: "Replace output files that exist already.") var force = false
    @OptionGroup var classification: ClassificationOptions

    func validate() throws {
        if every < 1 { throw ValidationError("--every must be at least 1") }
        if videoOut != nil && files.count != 1 { throw ValidationError("--video-out takes one input file") }
    }

    func run() throws {
        let outputs = [csv, summary, plot, videoOut].compactMap { $0 }.map { URL(fileURLWithPath: $0) }
        try OutputFile.reading(files + [classification.model], force: force).check(outputs)
        let setup = ViewerSetup.make(classification)
        guard let detector = setup.detector else { throw ValidationErrorText(setup.warnings.joined(separator: "\n")) }
        guard let classifier = setup.classifier else { throw ValidationErrorText(setup.warnings.joined(separator: "\n")) }
        let log = try csv.map { try EmotionLog(url: URL(fileURLWithPath: $0), includesFile: true, replacing: force) }
            ?? EmotionLog(standardOutputIncludingFile: true)
        let stop = Mutex(false)
        let signals = StopSignals(message: "Stopping: what was analysed so far is written…") { stop.withLock { $0 = true } }
        defer { signals.cancel() }
        var tracks = TrackSummary()
        var failures: [String] = []
        var progress = ProgressLine()
        for path in files {
            if stop.withLock({ $0 }) { break }
            let analyzer = FaceAnalyzer(detector: detector, classifier: classifier, smoothing: !noSmoothing,
                                        adaptation: !noAdaptation)
            var run = VideoAnalysis(path: path, every: every, log: log, stopped: { stop.withLock { $0 } })
            var video: AnnotatedVideo?
            defer { video?.finish() }
            if let videoOut {
                let fps = (try? VideoReader(file: path).framesPerSecond).flatMap { $0 > 0 ? $0 : nil } ?? 30
                let annotated = try AnnotatedVideo(path: videoOut, fps: fps / Double(every), modelName: classifier.modelName,
                                                   fontFile: EmoscopeEnvironment.current.font)
                video = annotated
                run.onResult = { try annotated.write($0) }
            }
            do {
                try run.analyse(with: analyzer, tracks: &tracks) { done, total, rate in
                    let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
                    let eta = total > 0 && rate > 0 ? ProgressLine.duration(Double(total - done) / rate) : "?"
                    progress.update(fraction: fraction, text: String(format: "%@  frame %d/%@  %.0f frames/s  ETA %@",
                                    URL(fileURLWithPath: path).lastPathComponent, done, total > 0 ? "\(total)" : "?", rate, eta))
                }
                progress.finish()
            } catch {
                progress.finish()
                failures.append(path)
                FileHandle.standardError.write(Data("emoscope: \(error)\n".utf8))
            }
        }
        try log.close()
        try writeReports(tracks, testTimeAugmentation: setup.testTimeAugmentation)
        if stop.withLock({ $0 }) { throw ExitCode(130) }
        if !failures.isEmpty {
            FileHandle.standardError.write(Data("emoscope: \(failures.count) of \(files.count) files could not be analysed fully\n".utf8))
            throw ExitCode(1)
        }
    }

    private func writeReports(_ tracks: TrackSummary, testTimeAugmentation: TestTimeAugmentation) throws {
        if let summary {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let report = AnalysisReport(files: files, model: try ModelLocator.url(for: classification.model).lastPathComponent,
                                        testTimeAugmentation: testTimeAugmentation.rawValue, every: every,
                                        smoothing: !noSmoothing, adaptation: !noAdaptation, tracks: tracks.tracks)
            do { try encoder.encode(report).write(to: URL(fileURLWithPath: summary), options: .atomic) } catch {
                throw ValidationErrorText("cannot write \(summary): \(error.localizedDescription)")
            }
        }
        if let plot {
            try EmotionTimelineChart(tracks: tracks.tracks, title: "Emotions over time").writePNG(to: URL(fileURLWithPath: plot))
        }
    }
}

/// The JSON summary of `analyze`.
struct AnalysisReport: Encodable {
    var files: [String]
    var model: String
    var testTimeAugmentation: String
    var every: Int
    var smoothing: Bool
    var adaptation: Bool
    var tracks: [TrackSummary.Track]
}
