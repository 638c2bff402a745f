import Expression
import Foundation
import Imaging

extension PhotoFaces {
    /// Reads each photo, finds its faces with `detector` as the live view does, and keeps the largest,
    /// framed by `framing`.
    public static func find(_ photos: [(path: String, emotion: Emotion)], detector: FaceDetecting,
                            framing: FaceFraming) -> PhotoFaces {
        var result = PhotoFaces()
        for photo in photos {
            guard let image = try? BGRAImage(contentsOf: URL(fileURLWithPath: photo.path)) else {
                result.unreadable.append(photo)
                continue
            }
            guard let face = largestFace(in: image.gray(), detector: detector, framing: framing) else {
                result.noFace.append(photo)
                continue
            }
            result.crops.append(face)
            result.emotions.append(photo.emotion)
            result.paths.append(photo.path)
        }
        return result
    }

    /// The largest face `detector` finds in `photo`, framed by `framing`, at the size it has there; nil for none.
    public static func largestFace(in photo: GrayImage, detector: FaceDetecting, framing: FaceFraming) -> GrayImage? {
        let boxes = detector.detectFaces(in: photo)
            .map { $0.clamped(toWidth: photo.width, height: photo.height) }.filter { !$0.isEmpty }
        return boxes.max(by: { $0.area < $1.area }).map { framing.crop(photo, box: $0) }
    }
}
