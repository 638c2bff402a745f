import Foundation
import Imaging
import Live

extension App {
    /// Saves the back buffer exactly as it is about to be shown, with the faces as drawn.
    func saveSnapshot() {
        do {
            let image = try canvas.readPixels()
            let frameSize = model.frame.map { Size(width: $0.image.width, height: $0.image.height) }
            let drawn = showBrowser ? [] : drawnFaces
            let source = capture.spec.description, modelName = model.modelName, mirrored = model.mirrored
            var status: String?
            if case let .unavailable(message) = model.captureState { status = message }
            let browserState = showBrowser ? browser?.snapshotState(classifier: datasetClassifier) : nil
            let url = try snapshots.save(image) { name in
                var record = SnapshotRecord(time: Date(), source: source, model: modelName, image: name,
                                            imageSize: Size(width: image.width, height: image.height), frameSize: frameSize,
                                            mirrored: mirrored, status: status, drawn: drawn)
                record.browser = browserState
                return record
            }
            showToast("Saved \(url.lastPathComponent) in \(App.abbreviatingHome(url.deletingLastPathComponent().path))")
        } catch {
            showToast("Snapshot failed: \(error)", seconds: 6)
        }
    }

    static func abbreviatingHome(_ path: String) -> String {
        let home = NSHomeDirectory()
        return path.hasPrefix(home + "/") ? "~" + path.dropFirst(home.count) : path
    }

    /// The timeline follows the panel's face; when that track ends the chart stops and says so, until
    /// another face is in the panel.
    func updateTimeline() {
        if let face = model.panelFace { followedTrack = face.id }
        guard let track = followedTrack else { model.timeline = LiveViewModel.Timeline(); return }
        let ended = model.panelFace?.id != track
        model.timeline.track = track
        model.timeline.ended = ended
        model.timeline.samples = history.series(track)
        if !ended { model.timeline.now = model.result?.capturedAt ?? model.timeline.now }
    }

    func startRecording() {
        let directory = options.recordingDirectory ?? XDGDirectories().recordingDirectory
        do {
            let started = try Recording(directory: directory, source: capture.spec.description, model: model.modelName,
                                        now: MonotonicClock.now, withVideo: settings.recordsVideo,
                                        fontFile: options.fontFile)
            recording = started
            showToast("Recording to \(App.abbreviatingHome(started.csv.path))")
        } catch {
            showToast("Cannot record: \(error)", seconds: 6)
        }
    }

    func stopRecording() {
        guard let finished = recording else { return }
        recording = nil
        do {
            try finished.finish(now: MonotonicClock.now)
            let files = finished.videoPath == nil ? ".csv, .json, .png" : ".csv, .json, .png, .avi"
            showToast("Saved recording \(finished.csv.deletingPathExtension().lastPathComponent) (\(files), "
                      + "\(finished.rows) rows) in \(App.abbreviatingHome(finished.csv.deletingLastPathComponent().path))",
                      seconds: 6)
        } catch {
            showToast("Recording ended with an error: \(error). Rows written so far are kept.", seconds: 8)
        }
    }

    /// Logs a new result; a failing disk stops the recording with a message, and the app goes on.
    func record(_ result: LiveResult, now: Double) {
        guard let recording else { return }
        if let problem = recording.takeVideoProblem() {
            showToast("The recording's video stopped: \(problem). The CSV goes on.", seconds: 8)
        }
        do { try recording.append(result, now: now) } catch {
            self.recording = nil
            try? recording.finish(now: now)
            showToast("Recording stopped: \(error). What was written stays valid.", seconds: 8)
        }
    }
}
