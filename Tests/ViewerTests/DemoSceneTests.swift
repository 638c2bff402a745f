import Foundation
import Imaging
import Live
import Testing
import TestSupport

struct DemoSceneTests {
    /// Finds one face in the middle of the image when the middle is bright.
    final class BrightMiddleDetector: FaceDetecting, @unchecked Sendable {
        func detectFaces(in image: GrayImage) -> [PixelRect] {
            let middle = image.pixels[(image.height / 2) * image.width + image.width / 2]
            return middle > 200 ? [PixelRect(x: image.width / 2 - 40, y: image.height / 2 - 40, width: 80, height: 80)] : []
        }
        func detectFaces(in image: GrayImage, near previous: [PixelRect]) -> [PixelRect] { detectFaces(in: image) }
    }

    /// angry: three faces the detector finds (gray 250) and three it does not (10); happy: only faces it does not
    /// find (60).
    static func dataset() throws -> URL {
        let root = try TestData.temporaryDirectory("demo")
        let faces: [(String, String, UInt8)] = [("angry", "a", 250), ("angry", "b", 10), ("happy", "c", 60)]
        for (emotion, prefix, gray) in faces {
            let folder = root.appendingPathComponent("val/\(emotion)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for n in 0..<3 {
                try GrayImage(width: 48, height: 48, fill: gray).writePNG(to: folder.appendingPathComponent("\(prefix)\(n).png"))
            }
        }
        return root
    }

    /// The gray values seen in the middle of the faces over 40 s of the scene.
    static func shownFaces(_ scene: DemoScene, count: Int) -> Set<UInt8> {
        let layout = DemoLayout(frame: DemoScene.frameSize, count: count)
        var seen: Set<UInt8> = []
        for tick in 1...1200 {
            guard case let .frame(frame) = scene.read() else { break }
            for slot in 0..<count {
                let place = layout.place(slot, at: Double(tick) / 30)
                let x = place.x + place.width / 2, y = place.y + place.height / 2
                seen.insert(frame.pixels[(y * frame.width + x) * 4])
            }
        }
        return seen
    }

    @Test func withADetectorTheSceneShowsOnlyFacesItFindsAndKeepsAClassItFindsNoneOf() throws {
        let root = try Self.dataset()
        let vetted = try DemoScene(root: root, faceCount: 3, detector: BrightMiddleDetector())
        #expect(Self.shownFaces(vetted, count: 3) == [250, 60])
        let unvetted = try DemoScene(root: root, faceCount: 3)
        #expect(Self.shownFaces(unvetted, count: 3) == [250, 10, 60])
    }
}
