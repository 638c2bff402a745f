import Expression
import Foundation
import Imaging

/// A built-in moving scene for machines without a camera: real dataset faces, upscaled, drifting over a
/// background at 640x480 and 30 frames/s; every few seconds one face is swapped for a face of another class.
public final class DemoScene: FrameSource {
    public static let frameSize = Size(width: 640, height: 480)
    public let pacingFPS: Double? = 30

    private let faces: [[GrayImage]]    // per class, upscaled
    private let faceSize: Int
    private var background: BGRAImage
    private var tick = 0
    private let slots: Int

    /// - Parameters:
    ///   - root: a FER2013-style folder (`ROOT/SPLIT/CLASS/*.jpg`); the `val` (else `test`, else `train`) split is used.
    ///   - faceCount: faces on screen at once.
    public init(root: URL, faceCount: Int = 3, faceSize: Int = 150, perClass: Int = 6) throws {
        let fm = FileManager.default
        let split = ["val", "test", "train"].map { root.appendingPathComponent($0) }
            .first { fm.fileExists(atPath: $0.path) }
        guard let split else {
            throw SourceError.cannotOpen("Demo: no val/, test/ or train/ folder in \(root.path) (give a FER2013-style folder with --data)")
        }
        var byClass: [[GrayImage]] = []
        for emotion in Emotion.allCases {
            let folder = split.appendingPathComponent(emotion.name)
            let names = ((try? fm.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
            var loaded: [GrayImage] = []
            for name in names.prefix(perClass * 4) where loaded.count < perClass {
                if let face = DemoScene.loadFace(folder.appendingPathComponent(name).path, size: faceSize) {
                    loaded.append(face)
                }
            }
            if !loaded.isEmpty { byClass.append(loaded) }
        }
        guard !byClass.isEmpty else { throw SourceError.noFaces("Demo: no readable face images under \(split.path)") }
        faces = byClass
        self.faceSize = faceSize
        slots = faceCount
        background = DemoScene.makeBackground(DemoScene.frameSize)
    }

    public func read() -> VideoReader.Read {
        tick += 1
        var frame = background
        let t = Double(tick) / 30
        for slot in 0..<slots {
            // Each face keeps a class for 4 s, then moves on to another class: labels change on screen.
            let era = (tick / 120 + slot * 2)
            let classFaces = faces[(era + slot * 3) % faces.count]
            let face = classFaces[(era / faces.count + slot) % classFaces.count]
            let cx = Double(DemoScene.frameSize.width) * (Double(slot) + 0.5) / Double(slots)
            let x = Int(cx + 40 * sin(t * 0.9 + Double(slot) * 2.1)) - faceSize / 2
            let y = Int(240 + 90 * sin(t * 0.6 + Double(slot) * 1.3)) - faceSize / 2
            DemoScene.blit(face, into: &frame, x: x, y: y)
        }
        return .frame(frame)
    }

    private static func loadFace(_ path: String, size: Int) -> GrayImage? {
        (try? GrayImage(contentsOf: URL(fileURLWithPath: path)))?.resized(width: size, height: size, interpolation: .linear)
    }

    /// A soft blue-gray gradient: plain enough for the detector, not a flat test card.
    private static func makeBackground(_ size: Size) -> BGRAImage {
        var image = BGRAImage(width: size.width, height: size.height)
        for y in 0..<size.height {
            for x in 0..<size.width {
                let i = (y * size.width + x) * 4
                let v = 70 + 50 * Double(y) / Double(size.height) + 12 * sin(Double(x) / 90)
                image.pixels[i] = UInt8(min(255, v + 25)); image.pixels[i + 1] = UInt8(v + 8)
                image.pixels[i + 2] = UInt8(v); image.pixels[i + 3] = 255
            }
        }
        return image
    }

    private static func blit(_ face: GrayImage, into frame: inout BGRAImage, x: Int, y: Int) {
        let w = frame.width, h = frame.height
        frame.pixels.withUnsafeMutableBufferPointer { dst in
            for fy in 0..<face.height where y + fy >= 0 && y + fy < h {
                for fx in 0..<face.width where x + fx >= 0 && x + fx < w {
                    let v = face.pixels[fy * face.width + fx]
                    let i = ((y + fy) * w + x + fx) * 4
                    dst[i] = v; dst[i + 1] = v; dst[i + 2] = v
                }
            }
        }
    }
}
