import Expression
import Foundation
import Imaging

/// A built-in moving scene for machines without a camera: real dataset faces, upscaled, drifting over a
/// background at 640x480 and 30 frames/s, each in its own part of the frame (`DemoLayout`); every few seconds
/// one face is swapped for a face of another class.
public final class DemoScene: FrameSource {
    public static let frameSize = Size(width: 640, height: 480)
    public let pacingFPS: Double? = 30

    private let faces: [[GrayImage]]    // per class, upscaled
    private let layout: DemoLayout
    private var background: BGRAImage
    private var tick = 0

    /// - Parameters:
    ///   - root: a FER2013-style folder (`ROOT/SPLIT/CLASS/*.jpg`); the `val` (else `test`, else `train`) split is used.
    ///   - faceCount: faces on screen at once.
    ///   - faceSize: the side of the faces when few enough fit at that size.
    ///   - detector: when given, only faces it finds on the scene's background are shown (a class it finds none
    ///     of keeps its faces), so that the demo does not show faces the app seems to ignore.
    public init(root: URL, faceCount: Int = 3, faceSize: Int = 150, perClass: Int = 6,
                detector: FaceDetecting? = nil) throws {
        let layout = DemoLayout(frame: DemoScene.frameSize, count: faceCount, largestFace: faceSize)
        let background = DemoScene.makeBackground(DemoScene.frameSize)
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
            var loaded: [GrayImage] = [], found: [GrayImage] = []
            for name in names.prefix(perClass * 4) where (detector == nil ? loaded : found).count < perClass {
                guard let face = DemoScene.loadFace(folder.appendingPathComponent(name).path, size: layout.faceSide) else { continue }
                if loaded.count < perClass { loaded.append(face) }
                if let detector, DemoScene.finds(detector, face, on: background) { found.append(face) }
            }
            let shown = found.isEmpty ? loaded : found
            if !shown.isEmpty { byClass.append(shown) }
        }
        guard !byClass.isEmpty else { throw SourceError.noFaces("Demo: no readable face images under \(split.path)") }
        faces = byClass
        self.layout = layout
        self.background = background
    }

    public func read() -> VideoReader.Read {
        tick += 1
        var frame = background
        let t = Double(tick) / 30
        for slot in 0..<layout.count {
            // Each face keeps a class for 4 s, then moves on to another class: labels change on screen.
            let era = (tick / 120 + slot * 2)
            let classFaces = faces[(era + slot * 3) % faces.count]
            let face = classFaces[(era / faces.count + slot) % classFaces.count]
            let place = layout.place(slot, at: t)
            DemoScene.blit(face, into: &frame, x: place.x, y: place.y)
        }
        return .frame(frame)
    }

    /// Whether the detector finds this face, and only it, in the middle of an empty scene.
    static func finds(_ detector: FaceDetecting, _ face: GrayImage, on background: BGRAImage) -> Bool {
        var frame = background
        let x = (frame.width - face.width) / 2, y = (frame.height - face.height) / 2
        blit(face, into: &frame, x: x, y: y)
        let boxes = detector.detectFaces(in: frame.gray())
        guard boxes.count == 1, let box = boxes.first else { return false }
        let centreX = box.x + box.width / 2, centreY = box.y + box.height / 2
        return abs(centreX - frame.width / 2) < face.width / 4 && abs(centreY - frame.height / 2) < face.height / 4
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
