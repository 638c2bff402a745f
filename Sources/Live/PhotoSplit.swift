import Expression
import Foundation
import Imaging

/// A dataset split of whole photos (a head with background, not a FER2013-style face crop) as the dataset
/// browser shows it: in each photo the largest face the app's detector finds, framed as the live view frames
/// it, at 48x48; a photo without a face is shown whole, as a crop would be.
public struct PhotoSplit: Sendable {
    public let faces: LabeledFaces
    /// In how many of the photos read a face was found.
    public let withFace: Int
    /// Photos that could not be read, with the reason.
    public let skipped: [SkippedFile]

    /// Faces of this side are crops already; a split whose images are twice that on their shorter side (the
    /// median of a sample) is taken for whole photos.
    public static let photoSide = 2 * LabeledFaces.side

    /// Whether the images at `paths` are whole photos, judged from up to `sample` of them spread over the list.
    public static func areWholePhotos(_ paths: [String], sample: Int = 9) -> Bool {
        guard !paths.isEmpty else { return false }
        let step = max(1, paths.count / sample)
        let sides = stride(from: 0, to: paths.count, by: step).prefix(sample).compactMap { i -> Int? in
            (try? GrayImage(contentsOf: URL(fileURLWithPath: paths[i]))).map { min($0.width, $0.height) }
        }.sorted()
        guard !sides.isEmpty else { return false }
        return sides[sides.count / 2] >= photoSide
    }

    public init(_ files: [(path: String, emotion: Emotion)], detector: FaceDetecting, framing: FaceFraming) {
        var faces = LabeledFaces()
        var withFace = 0
        var skipped: [SkippedFile] = []
        let side = LabeledFaces.side
        for file in files {
            let photo: GrayImage
            do { photo = try BGRAImage(contentsOf: URL(fileURLWithPath: file.path)).gray() } catch {
                skipped.append(SkippedFile(path: file.path, reason: (error as? ImageError)?.reason ?? "\(error)"))
                continue
            }
            let face = PhotoFaces.largestFace(in: photo, detector: detector, framing: framing)
            if face != nil { withFace += 1 }
            faces.append((face ?? photo).resized(width: side, height: side, interpolation: .area).pixels,
                         label: file.emotion, path: file.path)
        }
        self.faces = faces
        self.withFace = withFace
        self.skipped = skipped
    }

    /// Photos read (one face each, found or the whole photo).
    public var photos: Int { faces.count }

    /// What the browser says of the split, e.g. "faces found in 270 of 272 photos".
    public var summary: String {
        var text = "faces found in \(withFace) of \(photos) photos"
        if !skipped.isEmpty { text += ", \(skipped.count) unreadable" }
        return text
    }
}
