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
            let gray = image.gray()
            let boxes = detector.detectFaces(in: gray)
                .map { $0.clamped(toWidth: gray.width, height: gray.height) }.filter { !$0.isEmpty }
            guard let largest = boxes.max(by: { $0.area < $1.area }) else {
                result.noFace.append(photo)
                continue
            }
            result.crops.append(framing.crop(gray, box: largest))
            result.emotions.append(photo.emotion)
            result.paths.append(photo.path)
        }
        return result
    }
}
