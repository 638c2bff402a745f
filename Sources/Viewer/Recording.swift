import Foundation
import Live

/// One recording of the live view (`r`): a CSV of every classified face per analysed frame, written as it
/// goes; optionally the annotated video as shown (.avi); at the end a JSON summary per face and a timeline
/// plot, all named by the start time and never replacing a file.
final class Recording {
    let csv: URL
    let startedAt: Double
    private let log: EmotionLog
    private var tracks = TrackSummary()
    private let source: String
    private let model: String?
    private let wallClockStart = Date()
    private let video: RecordingVideo?

    init(directory: URL, source: String, model: String?, now: Double, withVideo: Bool = false,
         fontFile: String? = nil) throws {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw EmotionLogError(path: directory.path, reason: error.localizedDescription)
        }
        let base = SnapshotWriter.baseName(for: Date())
        var attempt = 1
        var name: URL { directory.appendingPathComponent(attempt == 1 ? base : "\(base)-\(attempt)") }
        while ["csv", "json", "png", "avi"].contains(where: { FileManager.default.fileExists(atPath: name.appendingPathExtension($0).path) }) {
            attempt += 1
        }
        csv = name.appendingPathExtension("csv")
        log = try EmotionLog(url: csv, includesFile: false, startedAt: wallClockStart)
        startedAt = now
        self.source = source
        self.model = model
        video = withVideo ? try RecordingVideo(path: name.appendingPathExtension("avi").path, modelName: model,
                                               fontFile: fontFile) : nil
    }

    var summaryURL: URL { csv.deletingPathExtension().appendingPathExtension("json") }
    var plotURL: URL { csv.deletingPathExtension().appendingPathExtension("png") }
    var rows: Int { log.rows }
    var videoPath: String? { video?.path }

    /// Why the video stopped, once; the CSV goes on without it.
    func takeVideoProblem() -> String? { video?.takeProblem() }

    /// Logs the faces of a result captured since the recording started.
    func append(_ result: LiveResult, now: Double) throws {
        let time = result.capturedAt - startedAt
        guard time >= 0 else { return }
        try log.append(time: time, frame: result.frameSequence, faces: result.faces, now: now)
        tracks.add(time: time, faces: result.faces)
        video?.offer(result)
    }

    /// Closes the CSV and writes the summary and the plot beside it.
    func finish(now: Double) throws {
        video?.finish()
        try log.close()
        let summary = RecordingSummary(source: source, model: model,
                                       started: ISO8601DateFormatter().string(from: wallClockStart),
                                       durationSeconds: now - startedAt, rows: log.rows, tracks: tracks.tracks)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do { try encoder.encode(summary).write(to: summaryURL, options: .withoutOverwriting) } catch {
            throw EmotionLogError(path: summaryURL.path, reason: error.localizedDescription)
        }
        try EmotionTimelineChart(tracks: tracks.tracks, title: "Emotions over time · \(source)").writePNG(to: plotURL)
    }
}

/// The JSON written at the end of a recording.
struct RecordingSummary: Encodable {
    var source: String
    var model: String?
    var started: String
    var durationSeconds: Double
    var rows: Int
    var tracks: [TrackSummary.Track]
}
