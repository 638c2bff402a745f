import Expression
import Foundation
import Imaging
import Live
import Testing
import TestSupport

/// A dataset split of whole photos, as the browser shows it: the face found in each photo.
struct PhotoSplitTests {
    /// Finds one face: the bright square its photos carry at (40, 20), 60 px wide; none in a dark photo.
    final class SquareDetector: FaceDetecting, @unchecked Sendable {
        var calls = 0
        func detectFaces(in image: GrayImage) -> [PixelRect] {
            calls += 1
            return image.pixels[50 * image.width + 70] > 128 ? [PixelRect(x: 40, y: 20, width: 60, height: 60)] : []
        }
    }

    /// A 160x120 photo at `background`, with a face-sized square of `face` at (40, 20) when `face` is given.
    static func photo(background: UInt8, face: UInt8?) -> GrayImage {
        var image = GrayImage(width: 160, height: 120, fill: background)
        if let face { for y in 20..<80 { for x in 40..<100 { image.pixels[y * 160 + x] = face } } }
        return image
    }

    @Test func eachPhotoShowsTheFaceFoundInItAndAPhotoWithoutOneWhole() throws {
        let folder = try TestData.temporaryDirectory("photo-split")
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [(path: String, emotion: Emotion)] = []
        for (i, (emotion, image)) in [(Emotion.happy, Self.photo(background: 30, face: 220)),
                                      (.sad, Self.photo(background: 30, face: 180)),
                                      (.fear, Self.photo(background: 90, face: nil))].enumerated() {
            let url = folder.appendingPathComponent("\(i).png")
            try image.writePNG(to: url)
            files.append((url.path, emotion))
        }
        let corrupt = folder.appendingPathComponent("corrupt.png")
        try Data("not a png".utf8).write(to: corrupt)
        files.append((corrupt.path, .angry))

        #expect(PhotoSplit.areWholePhotos(files.map(\.path)))
        let split = PhotoSplit(files, detector: SquareDetector(), framing: .detectorBox)
        #expect(split.faces.count == 3 && split.photos == 3 && split.withFace == 2)
        #expect(split.faces.labels == [.happy, .sad, .fear])
        #expect(split.faces.paths == files.prefix(3).map(\.path))
        // The face is the detected box alone, at 48x48: every pixel the square's.
        #expect(split.faces.face(0).pixels.allSatisfy { $0 == 220 })
        #expect(split.faces.face(1).pixels.allSatisfy { $0 == 180 })
        // No face found: the whole photo, as a crop would be shown.
        #expect(split.faces.face(2).pixels.allSatisfy { $0 == 90 })
        #expect(split.skipped.map(\.path) == [corrupt.path])
        #expect(split.summary == "faces found in 2 of 3 photos, 1 unreadable")
    }

    @Test func faceCropsAreNotTakenForPhotos() throws {
        let folder = try TestData.temporaryDirectory("crops")
        defer { try? FileManager.default.removeItem(at: folder) }
        var paths: [String] = []
        for (i, side) in [48, 48, 64, 200].enumerated() {
            let url = folder.appendingPathComponent("\(i).png")
            try GrayImage(width: side, height: side, fill: 100).writePNG(to: url)
            paths.append(url.path)
        }
        #expect(!PhotoSplit.areWholePhotos(paths), "most are crops of FER2013's size")
        #expect(PhotoSplit.areWholePhotos([paths[3]]))
        #expect(!PhotoSplit.areWholePhotos([]))
        #expect(!PhotoSplit.areWholePhotos([folder.appendingPathComponent("missing.png").path]))
    }
}
