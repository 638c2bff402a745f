import Expression
import Foundation
import Imaging
import Live
import Testing
import TestSupport
@testable import Viewer

struct FaceHistoryTests {
    static func result(at time: Double, faces: [(id: Int, missed: Int)]) -> LiveResult {
        let frame = Frame(image: BGRAImage(width: 4, height: 4), sequence: Int(time * 10), capturedAt: time)
        let tracked = faces.map { TrackedFace(id: $0.id, box: PixelRect(x: 0, y: 0, width: 2, height: 2),
                                              probabilities: [0, 0, 0, 1, 0, 0, 0], missed: $0.missed) }
        return LiveResult(frame: frame, finishedAt: time, faces: tracked, detectSeconds: 0, classifySeconds: 0)
    }

    @Test func keepsTheLastWindowOfEachTrackAndForgetsGoneOnes() {
        var history = FaceHistory(window: 30)
        for step in 0...400 {
            let t = Double(step) * 0.1
            // Face 1 throughout, face 2 for the first 5 s only; face 1 is carried over (missed) now and then.
            history.record(Self.result(at: t, faces: [(1, step % 7 == 0 ? 1 : 0)] + (t < 5 ? [(2, 0)] : [])))
        }
        let one = history.series(1)
        #expect(one.first!.time >= 40 - 30 - 1e-9 && one.last!.time == 40)
        #expect(one.allSatisfy { $0.probabilities.count == 7 })
        #expect(zip(one, one.dropFirst()).allSatisfy { $0.time < $1.time })
        #expect(history.series(2).isEmpty, "face 2 was last seen over 30 s ago")
    }
}

extension SDLSuite {
@Suite struct RecordingTests {
    @Test func filesAreNamedByStartTimeAndNeverReplaced() throws {
        let folder = try TestData.temporaryDirectory("recording")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try Recording(directory: folder, source: "test", model: "m", now: 100)
        let second = try Recording(directory: folder, source: "test", model: "m", now: 100)
        #expect(first.csv != second.csv, "a second recording in the same second gets its own name")
        for (i, recording) in [first, second].enumerated() {
            for step in 0..<10 {
                try recording.append(FaceHistoryTests.result(at: 100 + Double(step) * 0.2, faces: [(i + 1, 0)]), now: 100)
            }
            try recording.finish(now: 102)
            #expect(recording.rows == 10)
            let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: recording.summaryURL)) as? [String: Any]
            let tracks = summary?["tracks"] as? [[String: Any]]
            #expect(tracks?.first?["frames"] as? Int == 10)
            #expect(FileManager.default.fileExists(atPath: recording.plotURL.path))
        }
    }

    /// The video keeps wall-clock time: frames at 30/s for as long as the recording ran, repeating the
    /// last picture when no new result came, and it is a complete video once the recording ends.
    @Test func theVideoPlaysAsLongAsTheRecordingRan() throws {
        let folder = try TestData.temporaryDirectory("recording-video")
        defer { try? FileManager.default.removeItem(at: folder) }
        let recording = try Recording(directory: folder, source: "test", model: "m", now: 0, withVideo: true)
        let started = MonotonicClock.now
        for step in 0..<5 {
            let frame = Frame(image: BGRAImage(width: 160, height: 120), sequence: step + 1, capturedAt: Double(step) * 0.1)
            let face = TrackedFace(id: 1, box: PixelRect(x: 40, y: 30, width: 60, height: 60),
                                   probabilities: [0, 0, 0, 1, 0, 0, 0], missed: 0)
            try recording.append(LiveResult(frame: frame, finishedAt: 0, faces: [face], detectSeconds: 0, classifySeconds: 0),
                                 now: 0)
            Thread.sleep(forTimeInterval: 0.1)
        }
        Thread.sleep(forTimeInterval: 0.5)
        try recording.finish(now: 1)
        let seconds = MonotonicClock.now - started
        let path = try #require(recording.videoPath)
        let reader = try VideoReader(file: path)
        var frames = 0
        while case .frame = reader.read() { frames += 1 }
        #expect(Double(frames) >= 0.75 * 30 * (seconds - 0.6), "\(frames) frames for \(seconds) s")
        #expect(Double(frames) <= 30 * seconds + 2)
    }

    @Test func aFolderThatCannotBeMadeIsReportedByName() {
        #expect(throws: EmotionLogError.self) {
            _ = try Recording(directory: URL(fileURLWithPath: "/proc/emoscope-cannot-exist"), source: "s", model: nil, now: 0)
        }
    }
}
}
