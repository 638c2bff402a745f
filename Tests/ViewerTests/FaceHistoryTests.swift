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

    @Test func aFolderThatCannotBeMadeIsReportedByName() {
        #expect(throws: EmotionLogError.self) {
            _ = try Recording(directory: URL(fileURLWithPath: "/proc/emoscope-cannot-exist"), source: "s", model: nil, now: 0)
        }
    }
}
}
