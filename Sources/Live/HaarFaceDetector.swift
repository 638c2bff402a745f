import Imaging
import Expression

/// The live view's face detector: Expression's Haar cascade, tuned for live video. A whole 640x480 frame is
/// searched on a copy scaled to 3/8 (faces from 64 px); known faces are searched for near their last place.
public final class HaarFaceDetector: FaceDetecting {
    private let detector: FaceDetector
    public var options: FaceDetectionOptions

    /// Whole frames at 3/8 size with a coarse scale step: several times cheaper than half size at step 1.1,
    /// which the live view cannot afford on every frame (`bench live` shows the detection time).
    public static let liveOptions = FaceDetectionOptions(scaleFactor: 1.15, minNeighbors: 4, minimumFaceSize: 64,
                                                         detectionScale: 0.375)

    /// - cascadePath: the cascade file to use instead of the system's (the user's EMOSCOPE_CASCADE).
    public init(cascadePath: String? = nil, options: FaceDetectionOptions = HaarFaceDetector.liveOptions) throws {
        detector = try FaceDetector(cascadePath: cascadePath)
        self.options = options
    }

    public func detectFaces(in image: GrayImage) -> [PixelRect] {
        var options = self.options
        // Small pictures (a still image of one face) are searched at full size or larger, never shrunk.
        let longer = max(image.width, image.height)
        if longer < 400 { options = longer < 160 ? .crop(width: image.width, height: image.height) : FaceDetectionOptions(minimumFaceSize: 24) }
        return detector.detect(in: image, options: options)
    }

    /// Looks for each face again in a region 1.6 times its size around its last box, searched at a scale where
    /// the face is about 48 px wide and only for sizes near the last one.
    public func detectFaces(in image: GrayImage, near previous: [PixelRect]) -> [PixelRect] {
        var found: [PixelRect] = []
        for box in previous where !box.isEmpty {
            let region = box.expanded(by: 0.3).clamped(toWidth: image.width, height: image.height)
            guard !region.isEmpty else { continue }
            let scale = min(1, 48 / Double(box.width))
            let options = FaceDetectionOptions(scaleFactor: 1.2, minNeighbors: 2,
                                               minimumFaceSize: Int(Double(box.width) * 0.75),
                                               maximumFaceSize: Int(Double(box.width) * 1.33), detectionScale: scale)
            let hits = detector.detect(in: image.cropped(to: region), options: options)
                .map { $0.offsetBy(dx: region.x, dy: region.y) }
            // The hit closest in size and place to the old box is the same face.
            if let best = hits.max(by: { $0.iou(box) < $1.iou(box) }), !found.contains(where: { $0.iou(best) > 0.5 }) {
                found.append(best)
            }
        }
        return found
    }
}
