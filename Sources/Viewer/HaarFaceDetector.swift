import Expression

/// The live view's face detector: Expression's Haar cascade with options for live video (detection on a
/// downscaled copy; see `FaceDetectionOptions.live`).
public final class HaarFaceDetector: FaceDetecting {
    private let detector: FaceDetector
    public var options: FaceDetectionOptions

    public init(options: FaceDetectionOptions = .live) throws {
        detector = try FaceDetector()
        self.options = options
    }

    public func detectFaces(in image: GrayImage) -> [FaceRect] {
        var options = self.options
        // Small pictures (a still image of one face) are searched at full size or larger, never shrunk.
        let longer = max(image.width, image.height)
        if longer < 400 { options = longer < 160 ? .crop(width: image.width, height: image.height) : FaceDetectionOptions(minimumFaceSize: 24) }
        return detector.detect(in: image, options: options)
    }
}
