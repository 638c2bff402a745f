import Expression
import Foundation
import Imaging
import Live
import Testing
import TestSupport
import Viewer

/// `emoscope analyze`'s pipeline on a generated video with a detector and classifier whose answers are known.
struct VideoAnalysisTests {
    /// Two faces that drift a little every frame (the tracker must keep their IDs).
    final class DriftingDetector: FaceDetecting, @unchecked Sendable {
        var frame = 0
        func detectFaces(in image: GrayImage) -> [PixelRect] {
            defer { frame += 1 }
            return [PixelRect(x: 10 + frame % 3, y: 10, width: 30, height: 30), PixelRect(x: 70, y: 12 + frame % 2, width: 28, height: 28)]
        }
    }

    final class SplitClassifier: EmotionClassifying, @unchecked Sendable {
        let modelName = "split"
        func probabilities(for faces: [GrayImage]) -> [[Float]] {
            faces.map { _ in [0.1, 0, 0, 0.6, 0.3, 0, 0] }
        }
    }

    /// A strict RFC 4180 reader: CRLF line ends, quoted fields with doubled quotes, nothing else.
    static func parseCSV(_ text: String) -> [[String]]? {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false, afterQuote = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" { if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { quoted = false; afterQuote = true } }
                else { field.unicodeScalars.append(c) }
            } else if c == "\"" && field.isEmpty && !afterQuote { quoted = true }
            else if c == "," { row.append(field); field = ""; afterQuote = false }
            else if c == "\r" { guard chars.popFirst() == "\n" else { return nil }; row.append(field); rows.append(row); row = []; field = ""; afterQuote = false }
            else if c == "\n" || afterQuote { return nil }
            else { field.unicodeScalars.append(c) }
        }
        return quoted || !field.isEmpty || !row.isEmpty ? nil : rows
    }

    @Test func csvHasARowPerFacePerFrameAndTheSummaryAgrees() throws {
        let folder = try TestData.temporaryDirectory("analyze")
        defer { try? FileManager.default.removeItem(at: folder) }
        let video = folder.appendingPathComponent("two, \"faces\".avi").path
        do { // the writer closes the file when it goes
            let writer = try VideoWriter(path: video, size: Size(width: 128, height: 64), fps: 25)
            for i in 0..<20 { try writer.write(BGRAImage(width: 128, height: 64, fill: Color(r: UInt8(i * 10), g: 90, b: 40))) }
        }
        let csvURL = folder.appendingPathComponent("out.csv")
        do {
            let log = try EmotionLog(url: csvURL, includesFile: true)
            var tracks = TrackSummary()
            let analyzer = FaceAnalyzer(detector: DriftingDetector(), classifier: SplitClassifier())
            var reported: [Int] = []
            try VideoAnalysis(path: video, every: 2, log: log, stopped: { false })
                .analyse(with: analyzer, tracks: &tracks) { done, _, _ in reported.append(done) }
            try log.close()
            #expect(reported.count == 10, "every second frame of 20")
            let rows = try #require(Self.parseCSV(try String(contentsOf: csvURL, encoding: .utf8)))
            #expect(rows.first == EmotionLog.header(includesFile: true))
            let body = rows.dropFirst()
            #expect(body.count == 20, "2 faces x 10 analysed frames")
            #expect(body.allSatisfy { $0.count == rows[0].count && $0[0] == video })
            let times = body.map { Double($0[1])! }
            #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
            #expect(Set(body.map { Int($0[3])! }) == Set(stride(from: 0, to: 20, by: 2)))
            #expect(Set(body.map(\.[4])).count == 2, "two tracks, stable across the video")
            for row in body {
                let p = row[9..<16].map { Double($0)! }
                #expect(abs(p.reduce(0, +) - 1) < 1e-4)
                #expect(row[16] == "happy")
            }
            let perTrack = Dictionary(grouping: body, by: { Int($0[4])! }).mapValues(\.count)
            #expect(tracks.tracks.count == 2)
            for track in tracks.tracks { #expect(track.frames == perTrack[track.track], "track \(track.track)") }
            #expect(tracks.tracks.allSatisfy { $0.dominantEmotion == "happy" })
        }
    }

    @Test func anExistingCSVIsNotReplacedUnlessAsked() throws {
        let folder = try TestData.temporaryDirectory("analyze")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("keep.csv")
        try Data("precious\n".utf8).write(to: url)
        #expect(throws: EmotionLogError.self) { try EmotionLog(url: url, includesFile: false) }
        #expect(try String(contentsOf: url, encoding: .utf8) == "precious\n")
        try EmotionLog(url: url, includesFile: false, replacing: true).close()
        #expect(try String(contentsOf: url, encoding: .utf8).hasPrefix("time_s,"))
    }
}

extension SDLSuite {
@Suite struct AnnotatedVideoTests {
    final class BigFaceDetector: FaceDetecting, @unchecked Sendable {
        func detectFaces(in image: GrayImage) -> [PixelRect] { [PixelRect(x: 40, y: 60, width: 120, height: 120)] }
    }

    /// analyze --video-out: one annotated frame per analysed frame, with the face's box drawn on the picture.
    @Test func eachAnalysedFrameIsWrittenWithItsBoxes() throws {
        let folder = try TestData.temporaryDirectory("annotated")
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in.avi").path
        do {
            let writer = try VideoWriter(path: input, size: Size(width: 320, height: 240), fps: 20)
            for _ in 0..<12 { try writer.write(BGRAImage(width: 320, height: 240, fill: Color(r: 40, g: 40, b: 40))) }
        }
        let output = folder.appendingPathComponent("out.avi").path
        let log = try EmotionLog(url: folder.appendingPathComponent("out.csv"), includesFile: true)
        var tracks = TrackSummary()
        var analysis = VideoAnalysis(path: input, every: 3, log: log, stopped: { false })
        do {
            let video = try AnnotatedVideo(path: output, fps: 20 / 3, modelName: "split")
            analysis.onResult = { try video.write($0) }
            try analysis.analyse(with: FaceAnalyzer(detector: BigFaceDetector(),
                                                    classifier: VideoAnalysisTests.SplitClassifier()), tracks: &tracks) { _, _, _ in }
            video.finish()
        }
        try log.close()
        let reader = try VideoReader(file: output)
        var frames: [BGRAImage] = []
        while case let .frame(image) = reader.read() { frames.append(image) }
        #expect(frames.count == 4, "frames 0, 3, 6 and 9")
        // Inside the first face's box the picture is the plain background; its edge carries the label colour.
        let edge = frames[0][41, 150], inside = frames[0][100, 150]
        #expect(abs(Int(inside.r) - 40) < 12 && abs(Int(inside.g) - 40) < 12)
        #expect(abs(Int(edge.r) - Int(inside.r)) + abs(Int(edge.g) - Int(inside.g)) > 60, "a box edge: \(edge)")
    }
}
}
