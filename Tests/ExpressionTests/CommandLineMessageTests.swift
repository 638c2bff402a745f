import Expression
import Foundation
import Imaging
import NeuralNet
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Issue 16, the messages a user could not act on: control characters from a model file, an interrupted
/// training run's summary and exit status.
@Suite("Command line: messages", .enabled(if: EmoscopeBinary.url != nil, "needs the built emoscope beside the tests"))
struct CommandLineMessageTests {
    @Test func infoShowsControlCharactersEscaped() throws {
        let folder = try TestData.temporaryDirectory("cli")
        var classes = Emotion.classNames
        classes[0] = "an\u{1B}[2Jgry\r"
        let network = try Sequential(EmotionArchitecture.tiny.architecture, seed: 1)
        try ModelFile(network: network, classNames: classes, normalization: .unitRange, notes: ["x\u{7}": "\u{202E}txt"])
            .save(to: folder.appendingPathComponent("m.safetensors"))
        let result = try CommandLineSafetyTests.run(["info", "m.safetensors"], in: folder)
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E || $0.value == 0x0D })
        #expect(result.output.contains("an\\u{1B}[2Jgry\\u{D}"), "\(result.output)")
    }

    /// `bench train --layers` on a graph (the residual network): a row per stage, the residual sums among
    /// them, every layer in exactly one row.
    @Test func layerTimesCoverAGraphsStages() throws {
        let folder = try TestData.temporaryDirectory("cli")
        let data = try Self.csv(in: folder, rows: 4)
        let result = try CommandLineSafetyTests.run(["bench", "train", "--data", data.path, "--arch", "residual", "--layers",
                                                     "--batch", "4", "--steps", "2", "--threads", "1"], in: folder)
        #expect(result.status == 0, "\(result.output)")
        let rows = result.output.split(separator: "\n").filter { $0.first?.isNumber == true }
        #expect(rows.filter { $0.contains(" Add [") }.count == 3, "\(result.output)")
        let covered = rows.flatMap { row -> [Int] in
            let first = row.split(separator: " ")[0].split(separator: "-").compactMap { Int($0) }
            return Array(first[0]...(first.last!))
        }
        // Every layer before the Softmax, in order, once.
        #expect(covered == Array(0..<36), "\(result.output)")
    }

    /// A fer2013.csv of `rows` generated faces per class, all in Training, and a few in PublicTest.
    static func csv(in folder: URL, rows: Int) throws -> URL {
        var text = "emotion,pixels,Usage\n"
        for row in 0..<rows {
            for code in 0..<7 {
                let pixels = (0..<(48 * 48)).map { String(($0 &* (code + 1) &+ row) % 256) }.joined(separator: " ")
                text += "\(code),\(pixels),\(row < 2 ? "PublicTest" : "Training")\n"
            }
        }
        let url = folder.appendingPathComponent("fer2013.csv")
        try Data(text.utf8).write(to: url)
        return url
    }

    /// SIGTERM in the first epoch: a checkpoint, exit status 130, and no claim of a model that was not written.
    @Test func anInterruptedRunSaysSoAndExitsNonZero() throws {
        let folder = try TestData.temporaryDirectory("cli")
        let data = try Self.csv(in: folder, rows: 80)
        let log = folder.appendingPathComponent("out.txt")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = try #require(EmoscopeBinary.url)
        process.arguments = ["train", "--data", data.path, "--arch", "compact", "--batch", "1", "--epochs", "3", "--threads", "1"]
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CACHE_HOME"] = folder.appendingPathComponent("cache").path
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The stop handler is installed right after the "Training" line; wait for it, then a little more.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, !(String(data: (try? Data(contentsOf: log)) ?? Data(), encoding: .utf8) ?? "").contains("Training ") {
            usleep(50_000)
        }
        usleep(500_000)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let output = String(decoding: try Data(contentsOf: log), as: UTF8.self)
        #expect(process.terminationReason == .exit && process.terminationStatus == 130, "\(process.terminationStatus): \(output)")
        #expect(output.contains("Interrupted: checkpoint written"), "\(output)")
        #expect(output.contains("No epoch finished, so no model was written"), "\(output)")
        #expect(!output.contains("-100.00%"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.safetensors").path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.ckpt").path))
    }

    /// A resumed run's model still says how the run was started (`--resume` alone does not repeat it), and
    /// how it was resumed.
    @Test func aResumedRunKeepsTheCommandThatStartedIt() throws {
        let folder = try TestData.temporaryDirectory("cli")
        let data = try Self.csv(in: folder, rows: 6)
        // Photos in which no face is found: every epoch measures them at 0 %.
        let photos = folder.appendingPathComponent("photos/test/happy")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        for i in 0..<3 { try GrayImage(width: 64, height: 64, fill: UInt8(40 * i)).writePNG(to: photos.appendingPathComponent("\(i).png")) }
        let start = ["train", "--data", data.path, "--arch", "tiny", "--epochs", "1", "--seed", "5", "--threads", "1",
                     "--photos", "photos"]
        let first = try CommandLineSafetyTests.run(start, in: folder)
        #expect(first.status == 0, "\(first.output)")
        let more = ["train", "--data", data.path, "--resume", "model.ckpt", "--epochs", "2", "--threads", "1"]
        let second = try CommandLineSafetyTests.run(more, in: folder)
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("photos: 3 in \(folder.appendingPathComponent("photos").standardizedFileURL.path)/test, a face found in 0"), "\(second.output)")
        let log = try String(contentsOf: folder.appendingPathComponent("model.log.jsonl"), encoding: .utf8)
        #expect(log.split(separator: "\n").count == 2 && log.split(separator: "\n").allSatisfy { $0.contains("\"photoAccuracy\":0") }, "\(log)")
        let notes = try ModelFile.load(folder.appendingPathComponent("model.safetensors")).notes
        #expect(notes["command"] == (["emoscope"] + start).joined(separator: " "), "\(notes)")
        #expect(notes["seed"] == "5")
        // The model is rewritten only by a better epoch; the checkpoint holds what the next one would carry.
        let kept = try #require(try TrainingCheckpoint.readState(folder.appendingPathComponent("model.ckpt")).modelNotes)
        #expect(kept["command"] == notes["command"], "\(kept)")
        #expect(kept["resume_command"] == (["emoscope"] + more).joined(separator: " "), "\(kept)")
    }
}
