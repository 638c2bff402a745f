import Imaging
import Foundation
import Testing
import TestSupport
@testable import Expression

@Suite struct DatasetStatsTests {
    @Test func countsImbalanceAndDuplicates() throws {
        let root = try TestData.temporaryDirectory("stats")
        let cache = try TestData.temporaryDirectory("cache")
        defer { [root, cache].forEach { try? FileManager.default.removeItem(at: $0) } }
        func face(_ path: String, _ fill: UInt8) throws {
            try DatasetTests.writeImage(root.appendingPathComponent(path), fill: fill)
        }
        // train: happy x3 (two identical), sad x1, a broken file; val: one face equal to a train face.
        try face("train/happy/1.png", 10)
        try face("train/happy/2.png", 10)
        try face("train/happy/3.png", 20)
        try face("train/sad/1.png", 30)
        try Data("x".utf8).write(to: root.appendingPathComponent("train/sad/broken.jpg"))
        try face("val/happy/1.png", 20)
        try face("val/sad/1.png", 40)

        let stats = try DatasetStats(dataset: Dataset(root: root, cacheDirectory: cache), samplesPerClass: 2)
        let train = try #require(stats.splits.first), val = try #require(stats.splits.last)
        #expect(train.name == "train" && train.total == 4)
        #expect(train.classCounts[Emotion.happy.rawValue] == 3 && train.classCounts[Emotion.sad.rawValue] == 1)
        #expect(train.imbalance == nil, "classes with no faces make the ratio undefined")
        #expect(train.duplicates == 1 && train.duplicateGroups == 1)
        #expect(train.skipped.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["broken.jpg"])
        #expect(val.duplicates == 0)
        #expect(stats.overlaps == [DatasetStats.Overlap(split: "val", other: "train", faces: 1)])
        #expect(stats.samples[Emotion.happy.rawValue].count == 2 && stats.samples[Emotion.angry.rawValue].isEmpty)
        let table = stats.table
        #expect(table.contains("val shares 1 identical faces with train"))
        #expect(table.contains("broken.jpg: not a recognised image format or corrupt"))
        #expect(table.split(separator: "\n").contains { $0.hasPrefix("train") && $0.hasSuffix("n/a            1           1") })
    }
}
