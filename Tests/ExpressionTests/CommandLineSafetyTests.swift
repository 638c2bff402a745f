import Foundation
import Expression
import Imaging
import NeuralNet
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Issue 16, item 8 and the exit codes: the built `emoscope` is run on generated files. Every refusal
/// happens before any work, so these are quick; each checks that nothing was destroyed.
@Suite("Command line: outputs never destroy inputs", .enabled(if: EmoscopeBinary.url != nil, "needs the built emoscope beside the tests"))
struct CommandLineSafetyTests {
    static var binary: URL? { EmoscopeBinary.url }

    struct Result {
        let status: Int32
        let output: String
    }

    static func run(_ arguments: [String], in folder: URL) throws -> Result {
        let process = Process()
        process.executableURL = try #require(binary)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CACHE_HOME"] = folder.appendingPathComponent("cache").path
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// A copy of the Keras fixtures in a fresh folder (tests never point outputs at the real fixtures).
    static func kerasCopy() throws -> URL {
        let folder = try TestData.temporaryDirectory("cli")
        for name in ["model.json", "weights.h5"] {
            try FileManager.default.copyItem(at: TestData.fixtures.appendingPathComponent("keras-import/\(name)"),
                                             to: folder.appendingPathComponent(name))
        }
        return folder
    }

    static func bytes(_ url: URL) -> Data? { try? Data(contentsOf: url) }

    @Test func importKerasNeverWritesOverItsInputs() throws {
        let folder = try Self.kerasCopy()
        for target in ["weights.h5", "model.json", "./model.json"] {
            let before = Self.bytes(folder.appendingPathComponent(target))
            for force in [[], ["--force"]] {
                let result = try Self.run(["import-keras", "model.json", "weights.h5", "--out", target] + force, in: folder)
                #expect(result.status == 1 && result.output.contains("input"), "\(target) \(force): \(result.output)")
                #expect(Self.bytes(folder.appendingPathComponent(target)) == before)
            }
        }
    }

    @Test func outputsOntoLinksPipesAndFoldersAreRefused() throws {
        let folder = try Self.kerasCopy()
        let victim = folder.appendingPathComponent("victim.txt")
        try Data("keep me".utf8).write(to: victim)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.safetensors").path,
                                                   withDestinationPath: victim.path)
        #expect(mkfifo(folder.appendingPathComponent("pipe.safetensors").path, 0o600) == 0)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("dir.safetensors"), withIntermediateDirectories: false)
        for (name, kind) in [("link.safetensors", "symbolic link"), ("pipe.safetensors", "named pipe"), ("dir.safetensors", "directory")] {
            let result = try Self.run(["import-keras", "model.json", "weights.h5", "--out", name, "--force"], in: folder)
            #expect(result.status == 1 && result.output.contains(kind), "\(name): \(result.output)")
        }
        var info = stat()
        #expect(lstat(folder.appendingPathComponent("link.safetensors").path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK)
        #expect(Self.bytes(victim) == Data("keep me".utf8))
    }

    @Test func anExistingOutputNeedsForce() throws {
        let folder = try Self.kerasCopy()
        let first = try Self.run(["import-keras", "model.json", "weights.h5", "--out", "m.safetensors"], in: folder)
        #expect(first.status == 0, "\(first.output)")
        let again = try Self.run(["import-keras", "model.json", "weights.h5", "--out", "m.safetensors"], in: folder)
        #expect(again.status == 1 && again.output.contains("--force"), "\(again.output)")
        let forced = try Self.run(["import-keras", "model.json", "weights.h5", "--out", "m.safetensors", "--force"], in: folder)
        #expect(forced.status == 0, "\(forced.output)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!names.contains { $0.hasPrefix(".") }, "temporary files left: \(names)")
    }

    /// `ensemble` writes a model file that `info` reads as an ensemble; it never writes over a member, needs
    /// --force for an existing file, and names the member that does not fit.
    @Test func ensembleWritesOneModelAndKeepsItsMembers() throws {
        let folder = try Self.kerasCopy()
        for name in ["a", "b"] {
            let imported = try Self.run(["import-keras", "model.json", "weights.h5", "--out", "\(name).safetensors"], in: folder)
            #expect(imported.status == 0, "\(imported.output)")
        }
        let member = Self.bytes(folder.appendingPathComponent("a.safetensors"))
        let onto = try Self.run(["ensemble", "a.safetensors", "b.safetensors", "--out", "a.safetensors", "--force"], in: folder)
        #expect(onto.status == 1 && onto.output.contains("input"), "\(onto.output)")
        #expect(Self.bytes(folder.appendingPathComponent("a.safetensors")) == member)
        let made = try Self.run(["ensemble", "a.safetensors", "b.safetensors", "--out", "e.safetensors"], in: folder)
        #expect(made.status == 0 && made.output.contains("members: a.safetensors"), "\(made.output)")
        let info = try Self.run(["info", "e.safetensors"], in: folder)
        #expect(info.status == 0 && info.output.contains("EnsembleMean") && info.output.contains("ensemble_members"), "\(info.output)")
        let again = try Self.run(["ensemble", "a.safetensors", "b.safetensors", "--out", "e.safetensors"], in: folder)
        #expect(again.status == 1 && again.output.contains("--force"), "\(again.output)")
        let one = try Self.run(["ensemble", "a.safetensors", "--out", "f.safetensors"], in: folder)
        #expect(one.status == 64 && one.output.contains("at least two"), "\(one.output)")
        try Data("not a model".utf8).write(to: folder.appendingPathComponent("bad.safetensors"))
        let bad = try Self.run(["ensemble", "a.safetensors", "bad.safetensors", "--out", "g.safetensors"], in: folder)
        #expect(bad.status == 1 && bad.output.contains("bad.safetensors"), "\(bad.output)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("g.safetensors").path))
    }

    /// `ensemble --unpack` writes the members under their names into a folder, and replaces none of them
    /// without --force.
    @Test func unpackWritesTheMembersAndReplacesNone() throws {
        let folder = try Self.kerasCopy()
        for name in ["a", "b"] {
            let imported = try Self.run(["import-keras", "model.json", "weights.h5", "--out", "\(name).safetensors"], in: folder)
            #expect(imported.status == 0, "\(imported.output)")
        }
        let made = try Self.run(["ensemble", "a.safetensors", "b.safetensors", "--out", "e.safetensors"], in: folder)
        #expect(made.status == 0, "\(made.output)")
        let unpacked = try Self.run(["ensemble", "--unpack", "e.safetensors", "--out", "members"], in: folder)
        #expect(unpacked.status == 0 && unpacked.output.contains("members/a.safetensors"), "\(unpacked.output)")
        let info = try Self.run(["info", "members/b.safetensors"], in: folder)
        #expect(info.status == 0 && !info.output.contains("EnsembleMean") && info.output.contains("unpacked_from"), "\(info.output)")
        let written = Self.bytes(folder.appendingPathComponent("members/a.safetensors"))
        let again = try Self.run(["ensemble", "--unpack", "e.safetensors", "--out", "members"], in: folder)
        #expect(again.status == 1 && again.output.contains("--force"), "\(again.output)")
        #expect(Self.bytes(folder.appendingPathComponent("members/a.safetensors")) == written)
        let single = try Self.run(["ensemble", "--unpack", "a.safetensors", "--out", "other"], in: folder)
        #expect(single.status == 1 && single.output.contains("not an ensemble"), "\(single.output)")
        let two = try Self.run(["ensemble", "--unpack", "e.safetensors", "a.safetensors", "--out", "other"], in: folder)
        #expect(two.status == 64 && two.output.contains("one ensemble"), "\(two.output)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("other").path))
    }

    /// `rebalance` writes a biased copy that records how it was made, keeps the model it read, and needs
    /// --force to replace a file.
    @Test func rebalanceWritesABiasedCopyAndRecordsItsCommand() throws {
        let folder = try TestData.temporaryDirectory("cli")
        let data = try CommandLineMessageTests.csv(in: folder, rows: 4)
        let network = try Sequential(EmotionArchitecture.tiny.architecture, seed: 1)
        try ModelFile(network: network, classNames: Emotion.classNames, normalization: .unitRange, notes: ["command": "emoscope train"])
            .save(to: folder.appendingPathComponent("m.safetensors"))
        let original = Self.bytes(folder.appendingPathComponent("m.safetensors"))
        let made = try Self.run(["rebalance", "--model", "m.safetensors", "--data", data.path, "--strength", "0.5", "--out", "r.safetensors"], in: folder)
        #expect(made.status == 0 && made.output.contains("decision bias (strength 0.5)"), "\(made.output)")
        #expect(Self.bytes(folder.appendingPathComponent("m.safetensors")) == original)
        let file = try ModelFile.load(folder.appendingPathComponent("r.safetensors"))
        #expect(file.notes["command"] == "emoscope train")
        #expect(file.notes["rebalance_command"] == "emoscope rebalance --model m.safetensors --data \(data.path) --strength 0.5 --out r.safetensors")
        #expect(file.notes["decision_bias_strength"] == "0.5")
        #expect(file.notes["tta"] == "flip")
        #expect(DecisionBias(notes: file.notes, classes: 7)?.offsets.count == 7)
        let zoomed = try Self.run(["rebalance", "--model", "m.safetensors", "--data", data.path, "--tta", "zoom", "--out", "z.safetensors"], in: folder)
        #expect(zoomed.status == 0, "\(zoomed.output)")
        #expect(try ModelFile.load(folder.appendingPathComponent("z.safetensors")).notes["tta"] == "zoom")
        let again = try Self.run(["rebalance", "--model", "m.safetensors", "--data", data.path, "--out", "r.safetensors"], in: folder)
        #expect(again.status == 1 && again.output.contains("--force"), "\(again.output)")
    }

    @Test func snapshotProtectsItsPictureAndSidecar() throws {
        let folder = try TestData.temporaryDirectory("cli")
        let picture = folder.appendingPathComponent("p.png")
        try GrayImage(width: 64, height: 48, fill: 100).writePNG(to: picture)
        let photo = Self.bytes(picture)
        try Data("{\"unrelated\": true}".utf8).write(to: folder.appendingPathComponent("r.json"))
        try FileManager.default.copyItem(at: picture, to: folder.appendingPathComponent("pic.json"))
        let cases: [([String], String, String)] = [
            (["--image", "p.png", "--out", "p.png"], "p.png", "input"),
            (["--image", "p.png", "--out", "r.png"], "r.json", "--force"),
            (["--image", "pic.json", "--out", "pic.png"], "pic.json", "input"),
        ]
        for (arguments, kept, said) in cases {
            let before = Self.bytes(folder.appendingPathComponent(kept))
            let result = try Self.run(["snapshot"] + arguments, in: folder)
            #expect(result.status == 1 && result.output.contains(said) && !result.output.contains("Usage"), "\(arguments): \(result.output)")
            #expect(Self.bytes(folder.appendingPathComponent(kept)) == before)
        }
        #expect(Self.bytes(picture) == photo)
        // A picture that cannot be read is a runtime error (exit 1), not a usage error (64).
        let missing = try Self.run(["snapshot", "--image", "missing.png", "--out", "x.png"], in: folder)
        #expect(missing.status == 1 && !missing.output.contains("Usage"), "\(missing.output)")
    }

    /// A tiny dataset of generated faces: ROOT/train/CLASS and ROOT/val/CLASS, two faces each.
    static func dataset(in folder: URL) throws -> URL {
        let root = folder.appendingPathComponent("faces")
        for split in ["train", "val"] {
            for (index, emotion) in ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"].enumerated() {
                let classFolder = root.appendingPathComponent("\(split)/\(emotion)")
                try FileManager.default.createDirectory(at: classFolder, withIntermediateDirectories: true)
                for n in 0..<2 {
                    try GrayImage(width: 48, height: 48, fill: UInt8(20 * index + n)).writePNG(to: classFolder.appendingPathComponent("\(n).png"))
                }
            }
        }
        return root
    }

    @Test func dataStatsNeverWritesIntoTheDataset() throws {
        let folder = try TestData.temporaryDirectory("cli")
        let root = try Self.dataset(in: folder)
        let face = root.appendingPathComponent("train/happy/0.png")
        let before = Self.bytes(face)
        for target in [face.path, root.appendingPathComponent("train/new.png").path] {
            let result = try Self.run(["data", "stats", root.path, "--png", target, "--force"], in: folder)
            #expect(result.status == 1 && result.output.contains("reads"), "\(result.output)")
        }
        #expect(Self.bytes(face) == before)
    }

    @Test func trainRefusesToReplaceAnEarlierRun() throws {
        let folder = try TestData.temporaryDirectory("cli")
        let root = try Self.dataset(in: folder)
        for name in ["model.safetensors", "model.ckpt", "model.log.jsonl"] {
            let file = folder.appendingPathComponent(name)
            try Data("earlier run".utf8).write(to: file)
            let result = try Self.run(["train", "--data", root.path, "--arch", "tiny", "--epochs", "1"], in: folder)
            #expect(result.status == 1 && result.output.contains("already exists"), "\(name): \(result.output)")
            #expect(Self.bytes(file) == Data("earlier run".utf8))
            try FileManager.default.removeItem(at: file)
        }
    }

    @Test func trainCreatesTheFoldersOfItsOutputs() throws {
        let folder = try TestData.temporaryDirectory("cli")
        let root = try Self.dataset(in: folder)
        let result = try Self.run(["train", "--data", root.path, "--arch", "tiny", "--epochs", "1", "--batch", "4",
                                   "--out", "newdir/m.safetensors"], in: folder)
        #expect(result.status == 0, "\(result.output)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("newdir/m.safetensors").path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("newdir/m.log.jsonl").path))
    }
}

/// The `emoscope` built with these tests (the same build folder as the test bundle).
enum EmoscopeBinary {
    static let url: URL? = {
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        let url = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("emoscope")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }()
}
