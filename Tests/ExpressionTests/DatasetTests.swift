import Imaging
import Foundation
import Testing
import TestSupport
@testable import Expression

/// Builds small dataset folders at test time (no binary fixtures) and loads them.
@Suite struct DatasetTests {
    /// A PNG of `width` x `height`: gray with `fill`, or a colour gradient when `colour` is set.
    static func writeImage(_ url: URL, width: Int = 48, height: Int = 48, fill: UInt8 = 128, colour: Bool = false) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if colour {
            var bgr = [UInt8]()
            for y in 0..<height { for x in 0..<width { bgr += [UInt8(x % 256), UInt8(y % 256), 200] } }
            try ImageFile.writePNG(to: url, pixels: bgr, width: width, height: height, channels: 3)
        } else {
            try GrayImage(width: width, height: height, fill: fill).writePNG(to: url)
        }
    }

    /// train/{Angry, happiness, SAD} with a colour 300x200 PNG, a corrupt JPEG, a text file named .jpg,
    /// a hidden file; val/neutral.
    static func makeMessyDataset() throws -> URL {
        let root = try TestData.temporaryDirectory("dataset")
        let train = root.appendingPathComponent("train")
        try writeImage(train.appendingPathComponent("Angry/b.png"), fill: 10)
        try writeImage(train.appendingPathComponent("Angry/a.png"), width: 300, height: 200, colour: true)
        try writeImage(train.appendingPathComponent("happiness/x.png"), fill: 200)
        try writeImage(train.appendingPathComponent("SAD/s1.png"), fill: 60)
        // JPEG start-of-image and JFIF marker, then garbage: looks like a JPEG, cannot be decoded.
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array(repeating: 0x41, count: 200))
            .write(to: train.appendingPathComponent("SAD/corrupt.jpg"))
        try Data("not an image at all\n".utf8).write(to: train.appendingPathComponent("happiness/notes.jpg"))
        try Data("junk".utf8).write(to: train.appendingPathComponent("happiness/.DS_Store"))
        try writeImage(root.appendingPathComponent("val/neutral/n.png"), fill: 90)
        return root
    }

    @Test func messyFolderLoadsWithSkippedFilesReported() throws {
        let root = try Self.makeMessyDataset()
        let cache = try TestData.temporaryDirectory("cache")
        defer { [root, cache].forEach { try? FileManager.default.removeItem(at: $0) } }
        let dataset = try Dataset(root: root, cacheDirectory: cache)
        #expect(dataset.splitNames == ["train", "val"])
        #expect(dataset.validationSplitName == "val" && dataset.trainingSplitName == "train")

        let load = try dataset.load(split: "train")
        let faces = load.faces
        #expect(faces.labels == [.angry, .angry, .happy, .sad])
        #expect(faces.paths.map { URL(fileURLWithPath: $0).lastPathComponent } == ["a.png", "b.png", "x.png", "s1.png"])
        #expect(faces.pixels.count == 4 * 48 * 48)
        #expect(faces.face(1) == GrayImage(width: 48, height: 48, fill: 10))
        #expect(faces.face(0).width == 48 && Set(faces.face(0).pixels).count > 10, "the colour PNG is shrunk, not blank")
        #expect(load.skipped.map { URL(fileURLWithPath: $0.path).lastPathComponent }.sorted() == ["corrupt.jpg", "notes.jpg"])
        #expect(load.skipped.allSatisfy { $0.reason == "not a recognised image format or corrupt" })
        #expect(load.summary.contains("corrupt.jpg: not a recognised image format or corrupt"))
        #expect(load.summary.contains("4 faces"))
    }

    @Test func secondLoadComesFromTheCacheUntilAFileChanges() throws {
        let root = try Self.makeMessyDataset()
        let cache = try TestData.temporaryDirectory("cache")
        defer { [root, cache].forEach { try? FileManager.default.removeItem(at: $0) } }
        let dataset = try Dataset(root: root, cacheDirectory: cache)
        let first = try dataset.load(split: "train")
        #expect(!first.fromCache && first.decodedFiles == 6)
        let second = try dataset.load(split: "train")
        #expect(second.fromCache && second.decodedFiles == 0)
        #expect(second.faces == first.faces && second.skipped == first.skipped)

        // Rewriting a file (new size and time) invalidates the cache; the old cache file is removed.
        try Self.writeImage(root.appendingPathComponent("train/SAD/s1.png"), width: 96, height: 96, fill: 61)
        let third = try dataset.load(split: "train")
        #expect(!third.fromCache && third.decodedFiles == 6)
        #expect(third.faces.face(3) == GrayImage(width: 48, height: 48, fill: 61))
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).count == 1)
        #expect(try dataset.load(split: "train", useCache: false).decodedFiles == 6)
    }

    @Test(arguments: ["truncate", "flip", "garbage"])
    func damagedCacheIsRebuiltNotTrusted(damage: String) throws {
        let root = try Self.makeMessyDataset()
        let cache = try TestData.temporaryDirectory("cache")
        defer { [root, cache].forEach { try? FileManager.default.removeItem(at: $0) } }
        let dataset = try Dataset(root: root, cacheDirectory: cache)
        let first = try dataset.load(split: "train")
        let file = cache.appendingPathComponent(try #require(FileManager.default.contentsOfDirectory(atPath: cache.path).first))
        var bytes = try Data(contentsOf: file)
        switch damage {
        case "truncate": bytes = bytes.prefix(bytes.count - 100)
        case "flip": bytes[bytes.count / 2] ^= 0x40
        default: bytes = Data(repeating: 7, count: bytes.count)
        }
        try bytes.write(to: file)
        let reloaded = try dataset.load(split: "train")
        #expect(!reloaded.fromCache && reloaded.faces == first.faces)
        #expect(try dataset.load(split: "train").fromCache, "the rebuilt cache is used again")
    }

    @Test func emptyClassFolderIsAnError() throws {
        let root = try TestData.temporaryDirectory("dataset")
        defer { try? FileManager.default.removeItem(at: root) }
        try Self.writeImage(root.appendingPathComponent("train/happy/a.png"))
        let empty = root.appendingPathComponent("train/fear")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let error = try #require(throws: DatasetError.self) { try Dataset(root: root).load(split: "train") }
        #expect(error == .emptyClassFolder(path: empty.path))
        #expect(error.description == "class folder \(empty.path) is empty")
    }

    @Test func unknownClassFolderIsNamed() throws {
        let root = try TestData.temporaryDirectory("dataset")
        defer { try? FileManager.default.removeItem(at: root) }
        try Self.writeImage(root.appendingPathComponent("train/happy/a.png"))
        try Self.writeImage(root.appendingPathComponent("train/contempt/a.png"))
        let error = try #require(throws: DatasetError.self) { try Dataset(root: root).load(split: "train") }
        #expect(error.description.hasPrefix("class folder \"contempt\""))
    }

    @Test func missingRootSplitAndLayoutErrors() throws {
        let root = try TestData.temporaryDirectory("dataset")
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = root.appendingPathComponent("nowhere")
        #expect(throws: DatasetError.rootMissing(path: missing.path)) { try Dataset(root: missing) }
        #expect(throws: DatasetError.noSplits(root: root.path)) { try Dataset(root: root) }

        try Self.writeImage(root.appendingPathComponent("happy/a.png"))
        #expect(throws: DatasetError.rootIsASplit(root: root.path)) { try Dataset(root: root) }

        try Self.writeImage(root.appendingPathComponent("test/happy/a.png"))
        let dataset = try Dataset(root: root)
        #expect(dataset.validationSplitName == "test")
        #expect(throws: DatasetError.missingSplit(name: "val", root: root.path, available: ["happy", "test"])) {
            try dataset.load(split: "val")
        }
    }

    @Test func fer2013CSVMapsCodesAndUsage() throws {
        let folder = try TestData.temporaryDirectory("csv")
        defer { try? FileManager.default.removeItem(at: folder) }
        func pixels(_ value: Int) -> String { Array(repeating: String(value), count: 48 * 48).joined(separator: " ") }
        let csv = folder.appendingPathComponent("fer2013.csv")
        let rows = [
            "emotion,pixels,Usage",
            "6,\(pixels(1)),Training",
            "4,\(pixels(2)),Training",
            "3,\(pixels(3)),PublicTest",
            "0,\(pixels(4)),PrivateTest",
            "5,1 2 3,Training",
        ]
        try Data((rows.joined(separator: "\r\n") + "\r\n").utf8).write(to: csv)
        let dataset = try Dataset(csv: csv)
        #expect(dataset.splitNames == ["test", "train", "val"])
        #expect(dataset.validationSplitName == "val")
        let train = try dataset.load(split: "train")
        #expect(train.faces.labels == [.neutral, .sad])
        #expect(train.faces.face(1) == GrayImage(width: 48, height: 48, fill: 2))
        #expect(train.skipped == [SkippedFile(path: "\(csv.path):6", reason: "3 pixels instead of 2304 (48x48)")])
        #expect(try dataset.load(split: "val").faces.labels == [.happy])
        #expect(try dataset.load(split: "test").faces.labels == [.angry])

        let bad = folder.appendingPathComponent("bad.csv")
        try Data("label,image\n1,2\n".utf8).write(to: bad)
        let error = try #require(throws: DatasetError.self) { try Dataset(csv: bad) }
        #expect(error.description.contains("expected the columns emotion, pixels and Usage"))
    }

    @Test(.enabled(if: TestData.hasFER2013, Comment(rawValue: TestData.fer2013MissingReason)))
    func realFER2013FilesLoadUnchanged() throws {
        // Links to a few real faces per class: the dataset stays outside the repository.
        let root = try TestData.temporaryDirectory("real")
        let cache = try TestData.temporaryDirectory("cache")
        defer { [root, cache].forEach { try? FileManager.default.removeItem(at: $0) } }
        var originals: [String] = []
        for emotion in Emotion.allCases {
            let source = TestData.fer2013Root.appendingPathComponent("val/\(emotion.name)")
            let names = try FileManager.default.contentsOfDirectory(atPath: source.path).sorted().prefix(3)
            let target = root.appendingPathComponent("val/\(emotion.name)")
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            for name in names {
                try FileManager.default.createSymbolicLink(at: target.appendingPathComponent(name),
                                                           withDestinationURL: source.appendingPathComponent(name))
                originals.append(source.appendingPathComponent(name).path)
            }
        }
        let load = try Dataset(root: root, cacheDirectory: cache).load(split: "val")
        #expect(load.faces.count == 21 && load.skipped.isEmpty)
        #expect(load.faces.classCounts == [3, 3, 3, 3, 3, 3, 3])
        for (i, original) in originals.enumerated() {
            #expect(load.faces.face(i) == (try GrayImage(contentsOf: URL(fileURLWithPath: original))))
        }
    }
}
