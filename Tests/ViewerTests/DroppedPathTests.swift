import Foundation
import Imaging
import Testing
import TestSupport
@testable import Viewer

struct DroppedPathTests {
    @Test func eachKindOfDropOpensWhatItShould() throws {
        let folder = try TestData.temporaryDirectory("drop")
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = folder.appendingPathComponent("face.PNG")
        try GrayImage(width: 8, height: 8).writePNG(to: image)
        let video = folder.appendingPathComponent("clip.mp4")
        try Data([0]).write(to: video)
        let text = folder.appendingPathComponent("notes.txt")
        try Data("hello".utf8).write(to: text)
        let dataset = folder.appendingPathComponent("faces")
        try FileManager.default.createDirectory(at: dataset.appendingPathComponent("val/happy"), withIntermediateDirectories: true)
        try GrayImage(width: 48, height: 48).writePNG(to: dataset.appendingPathComponent("val/happy/1.png"))
        let plain = folder.appendingPathComponent("holiday")
        try FileManager.default.createDirectory(at: plain.appendingPathComponent("beach"), withIntermediateDirectories: true)
        try Data([1]).write(to: plain.appendingPathComponent("beach/x.bin"))

        #expect(DroppedPath(image.path) == .image(image.path))
        #expect(DroppedPath(video.path) == .video(video.path))
        #expect(DroppedPath(dataset.path) == .dataset(dataset.path))
        guard case let .unusable(why) = DroppedPath(text.path) else { Issue.record("a text file was accepted"); return }
        #expect(why.contains("notes.txt"))
        guard case .unusable = DroppedPath(plain.path) else { Issue.record("a folder of other things was accepted"); return }
        guard case .unusable = DroppedPath(folder.appendingPathComponent("gone.avi").path) else { Issue.record("a missing file"); return }
    }
}
