import Imaging
import Foundation
import Testing
import TestSupport
@testable import Expression

@Suite struct ImageDecodingTests {
    @Test func missingFileNamesTheFile() throws {
        let path = "/nonexistent/emoscope/face.jpg"
        let error = try #require(throws: ImageError.self) { try GrayImage(contentsOf: URL(fileURLWithPath: path)) }
        #expect(error.path == path)
        #expect(error.description.contains(path))
        #expect(error.reason.contains("No such file"))
    }

    @Test func textFileIsNotAnImage() throws {
        let folder = try TestData.temporaryDirectory("decode")
        defer { try? FileManager.default.removeItem(at: folder) }
        let fake = folder.appendingPathComponent("notes.jpg")
        try Data("this is not a picture\n".utf8).write(to: fake)
        let error = try #require(throws: ImageError.self) { try GrayImage(contentsOf: fake) }
        #expect(error.description == "cannot decode image \(fake.path): not a recognised image format or corrupt")
    }

    @Test func emptyFileAndFolderAreReported() throws {
        let folder = try TestData.temporaryDirectory("decode")
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty.png")
        try Data().write(to: empty)
        let emptyError = try #require(throws: ImageError.self) { try GrayImage(contentsOf: empty) }
        #expect(emptyError.reason == "the file is empty")
        let folderError = try #require(throws: ImageError.self) { try GrayImage(contentsOf: folder) }
        #expect(folderError.reason.contains("directory"))
    }

    @Test func colourPNGRoundTripsToGray() throws {
        let folder = try TestData.temporaryDirectory("decode")
        defer { try? FileManager.default.removeItem(at: folder) }
        // A 3x2 BGR image: pure blue, green, red on top; black, white, mid-gray below.
        let bgr: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 128, 128, 128]
        let url = folder.appendingPathComponent("colours.png")
        try ImageFile.writePNG(to: url, pixels: bgr, width: 3, height: 2, channels: 3)
        let gray = try GrayImage(contentsOf: url)
        #expect(gray.width == 3 && gray.height == 2)
        // ITU-R BT.601 weights: 0.114 B + 0.587 G + 0.299 R (libpng's own conversion may round 1 lower).
        let expected: [Int] = [29, 150, 76, 0, 255, 128]
        #expect(zip(gray.pixels, expected).allSatisfy { abs(Int($0) - $1) <= 1 }, "\(gray.pixels)")
        let bgra = try BGRAImage(contentsOf: url)
        #expect(bgra.pixels.prefix(4) == [255, 0, 0, 255])
        #expect(bgra.gray().pixels == [29, 150, 76, 0, 255, 128])
    }

    @Test func pngDataDecodesInMemory() throws {
        let image = GrayImage(width: 4, height: 4, pixels: (0..<16).map { UInt8($0 * 16) })
        #expect(try GrayImage(decoding: image.pngData()) == image)
        #expect(throws: ImageError.self) { try GrayImage(decoding: Data([1, 2, 3])) }
    }

    @Test func resizeAreaAveragesAndCropClamps() {
        let image = GrayImage(width: 4, height: 2, pixels: [0, 100, 200, 200, 0, 100, 200, 200])
        #expect(image.resized(width: 2, height: 1).pixels == [50, 200])
        let crop = image.cropped(to: PixelRect(x: 2, y: -5, width: 10, height: 6))
        #expect(crop == GrayImage(width: 2, height: 1, pixels: [200, 200]))
        #expect(image.cropped(to: PixelRect(x: 9, y: 9, width: 3, height: 3)).pixels.isEmpty)
        let padded = GrayImage(width: 1, height: 1, fill: 7).padded(by: 2)
        #expect(padded == GrayImage(width: 5, height: 5, fill: 7))
    }

    @Test(.enabled(if: TestData.hasFER2013, Comment(rawValue: TestData.fer2013MissingReason)))
    func realFER2013FaceDecodes() throws {
        let folder = TestData.fer2013Root.appendingPathComponent("val/happy")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().first)
        let face = try GrayImage(contentsOf: folder.appendingPathComponent(name))
        #expect(face.width == 48 && face.height == 48)
        #expect(Set(face.pixels).count > 20, "a real face has many gray levels")
    }
}
