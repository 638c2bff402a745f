import CVBridge
import Foundation

/// An OpenCV Haar cascade (an object detector from an XML file). Safe to share between threads: one
/// detection at a time, under a lock (OpenCV's `CascadeClassifier` is not safe for concurrent calls).
public final class HaarCascade: @unchecked Sendable {
    public let path: String
    private let cascade: OpaquePointer
    private let lock = NSLock()

    /// Loads the cascade at `path`; the error names the file and what is wrong with it.
    public init(path: String) throws {
        guard let cascade = cvb_cascade_load(path) else {
            throw ImageError(path: path, reason: String(cString: cvb_last_error()), action: "load cascade")
        }
        self.path = path
        self.cascade = cascade
    }

    deinit { cvb_cascade_free(cascade) }

    /// Objects in `image` between `minimumSize` and `maximumSize` pixels (0: no limit), in OpenCV's order.
    public func detect(in image: GrayImage, scaleFactor: Double, minNeighbors: Int, minimumSize: Int,
                       maximumSize: Int) -> [PixelRect] {
        guard image.width > 0, image.height > 0 else { return [] }
        lock.lock()
        defer { lock.unlock() }
        var rects = [cvb_rect](repeating: cvb_rect(), count: 64)
        var total: Int32 = 0
        for _ in 0..<2 {
            total = image.pixels.withUnsafeBufferPointer { pixels in
                rects.withUnsafeMutableBufferPointer { out in
                    cvb_cascade_detect(cascade, pixels.baseAddress, Int32(image.width), Int32(image.height),
                                       max(scaleFactor, 1.01), Int32(max(0, minNeighbors)), Int32(max(1, minimumSize)),
                                       Int32(max(0, maximumSize)), out.baseAddress, Int32(out.count))
                }
            }
            // Rarely more objects than room: grow once and ask again.
            guard Int(total) > rects.count else { break }
            rects = [cvb_rect](repeating: cvb_rect(), count: Int(total))
        }
        // Arguments are clamped above and the cascade was validated at loading, so a failure means none found.
        guard total > 0 else { return [] }
        return rects.prefix(Int(total)).map {
            PixelRect(x: Int($0.x), y: Int($0.y), width: Int($0.width), height: Int($0.height))
        }
    }
}
