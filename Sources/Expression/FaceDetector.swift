import Foundation
import Imaging

/// Finds frontal faces with OpenCV's Haar cascade (`haarcascade_frontalface_default.xml` from opencv-data).
/// Safe to share between threads (`HaarCascade` runs one detection at a time).
public final class FaceDetector: @unchecked Sendable {
    public static let cascadeFileName = "haarcascade_frontalface_default.xml"

    /// The cascade file in use.
    public var cascadePath: String { cascade.path }
    private let cascade: HaarCascade

    /// Where Debian, other distributions and source builds of OpenCV install the cascade.
    public static let searchPaths = ["/usr/share/opencv4/haarcascades", "/usr/share/opencv/haarcascades",
                                     "/usr/local/share/opencv4/haarcascades", "/usr/share/OpenCV/haarcascades"]
        .map { $0 + "/" + cascadeFileName }

    /// Loads the cascade from `cascadePath` alone when given, else from the first of `searchPaths` that exists.
    public init(cascadePath: String? = nil) throws {
        let candidates = cascadePath.map { [$0] } ?? Self.searchPaths
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw FaceDetectorError.cascadeNotFound(tried: candidates)
        }
        do { cascade = try HaarCascade(path: path) } catch let error as ImageError {
            throw FaceDetectorError.cascadeUnreadable(path: path, reason: error.reason)
        }
    }

    /// Faces in `image`, as boxes in its own coordinates (clamped to the image), in OpenCV's order.
    public func detect(in image: GrayImage, options: FaceDetectionOptions = FaceDetectionOptions()) -> [PixelRect] {
        guard image.width > 0, image.height > 0 else { return [] }
        let scale = options.detectionScale > 0 ? options.detectionScale : 1
        let scaledWidth = max(1, Int((Double(image.width) * scale).rounded()))
        let scaledHeight = max(1, Int((Double(image.height) * scale).rounded()))
        let scaled = image.resized(width: scaledWidth, height: scaledHeight,
                                   interpolation: scale < 1 ? .area : .linear)
        let searched = scaled.padded(by: options.padding)
        let minimum = max(1, Int((Double(options.minimumFaceSize) * scale).rounded()))
        let maximum = options.maximumFaceSize > 0 ? Int((Double(options.maximumFaceSize) * scale).rounded()) : 0

        let found = cascade.detect(in: searched, scaleFactor: options.scaleFactor, minNeighbors: options.minNeighbors,
                                   minimumSize: minimum, maximumSize: maximum)
        // Back to the caller's pixels with the exact ratio of the two sizes, not the nominal scale.
        let backX = Double(image.width) / Double(scaledWidth), backY = Double(image.height) / Double(scaledHeight)
        return found.map {
            $0.offsetBy(dx: -options.padding, dy: -options.padding).scaled(x: backX, y: backY)
                .clamped(toWidth: image.width, height: image.height)
        }.filter { !$0.isEmpty }
    }

    /// The largest face in a crop that is expected to be one face (a dataset image), or nil.
    public func detectFaceInCrop(_ crop: GrayImage) -> PixelRect? {
        detect(in: crop, options: .crop(width: crop.width, height: crop.height)).max { $0.area < $1.area }
    }
}
