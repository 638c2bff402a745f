import CVBridge
import Foundation

/// Finds frontal faces with OpenCV's Haar cascade (`haarcascade_frontalface_default.xml` from opencv-data).
///
/// Safe to share between threads: the cascade is used under a lock, one detection at a time
/// (OpenCV's `CascadeClassifier` is not safe for concurrent calls on one instance).
public final class FaceDetector: @unchecked Sendable {
    public static let cascadeFileName = "haarcascade_frontalface_default.xml"

    /// The cascade file in use.
    public let cascadePath: String
    private let cascade: OpaquePointer
    private let lock = NSLock()

    /// Where the cascade is looked for, in order: `$EMOSCOPE_CASCADE` alone when set, else the places
    /// Debian, other distributions and source builds of OpenCV install it.
    public static var searchPaths: [String] {
        if let override = ProcessInfo.processInfo.environment["EMOSCOPE_CASCADE"], !override.isEmpty {
            return [override]
        }
        return ["/usr/share/opencv4/haarcascades", "/usr/share/opencv/haarcascades",
                "/usr/local/share/opencv4/haarcascades", "/usr/share/OpenCV/haarcascades"]
            .map { $0 + "/" + cascadeFileName }
    }

    /// Loads the cascade from `cascadePath`, or from the first of `searchPaths` that exists.
    public init(cascadePath: String? = nil) throws {
        let candidates = cascadePath.map { [$0] } ?? Self.searchPaths
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw FaceDetectorError.cascadeNotFound(tried: candidates)
        }
        guard let cascade = cvb_cascade_load(path) else {
            throw FaceDetectorError.cascadeUnreadable(path: path, reason: String(cString: cvb_last_error()))
        }
        self.cascadePath = path
        self.cascade = cascade
    }

    deinit { cvb_cascade_free(cascade) }

    /// Faces in `image`, as boxes in its own coordinates (clamped to the image), in OpenCV's order.
    public func detect(in image: GrayImage, options: FaceDetectionOptions = FaceDetectionOptions()) -> [FaceRect] {
        guard image.width > 0, image.height > 0 else { return [] }
        let scale = options.detectionScale > 0 ? options.detectionScale : 1
        let scaledWidth = max(1, Int((Double(image.width) * scale).rounded()))
        let scaledHeight = max(1, Int((Double(image.height) * scale).rounded()))
        let scaled = image.resized(width: scaledWidth, height: scaledHeight,
                                   interpolation: scale < 1 ? .area : .linear)
        let searched = scaled.padded(by: options.padding)
        let minimum = max(1, Int((Double(options.minimumFaceSize) * scale).rounded()))
        let maximum = options.maximumFaceSize > 0 ? Int((Double(options.maximumFaceSize) * scale).rounded()) : 0

        let found = runCascade(searched, options: options, minimum: minimum, maximum: maximum)
        // Back to the caller's pixels with the exact ratio of the two sizes, not the nominal scale.
        let backX = Double(image.width) / Double(scaledWidth), backY = Double(image.height) / Double(scaledHeight)
        return found.map {
            $0.offsetBy(dx: -options.padding, dy: -options.padding).scaled(x: backX, y: backY)
                .clamped(toWidth: image.width, height: image.height)
        }.filter { !$0.isEmpty }
    }

    /// The largest face in a crop that is expected to be one face (a dataset image), or nil.
    public func detectFaceInCrop(_ crop: GrayImage) -> FaceRect? {
        detect(in: crop, options: .crop(width: crop.width, height: crop.height)).max { $0.area < $1.area }
    }

    private func runCascade(_ image: GrayImage, options: FaceDetectionOptions, minimum: Int, maximum: Int) -> [FaceRect] {
        lock.lock()
        defer { lock.unlock() }
        var rects = [cvb_rect](repeating: cvb_rect(), count: 64)
        var total: Int32 = 0
        for _ in 0..<2 {
            total = image.pixels.withUnsafeBufferPointer { pixels in
                rects.withUnsafeMutableBufferPointer { out in
                    cvb_cascade_detect(cascade, pixels.baseAddress, Int32(image.width), Int32(image.height),
                                       max(options.scaleFactor, 1.01), Int32(max(0, options.minNeighbors)), Int32(minimum),
                                       Int32(maximum), out.baseAddress, Int32(out.count))
                }
            }
            // Rarely more faces than room: grow once and ask again.
            guard Int(total) > rects.count else { break }
            rects = [cvb_rect](repeating: cvb_rect(), count: Int(total))
        }
        // Options are clamped above and the cascade was validated at loading, so a failure here means no faces.
        guard total > 0 else { return [] }
        return rects.prefix(Int(total)).map {
            FaceRect(x: Int($0.x), y: Int($0.y), width: Int($0.width), height: Int($0.height))
        }
    }
}
