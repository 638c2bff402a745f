import Imaging
import Expression

/// What the live pipeline needs from a classifier: the 7 probabilities (in `Emotion.allCases` order) of each
/// face of a frame, computed in one batch. The app uses Expression's `Classifier` or `ONNXClassifier`; tests
/// use a fake.
/// Called from the inference worker's thread only.
public protocol EmotionClassifying: AnyObject {
    var modelName: String { get }
    /// Which views of each face are averaged; nil when the classifier does not say.
    var views: TestTimeAugmentation? { get }
    /// Identifies what the classifier computes (model and settings), for caches kept on disk; nil: do not cache.
    var fingerprint: UInt64? { get }
    func probabilities(for faces: [GrayImage]) -> [[Float]]
}

extension EmotionClassifying {
    public var fingerprint: UInt64? { nil }
    public var views: TestTimeAugmentation? { nil }
}

/// What the live pipeline needs from a face detector: face boxes in the given image's pixel coordinates.
/// Called from the inference worker's thread only.
public protocol FaceDetecting: AnyObject {
    /// Searches the whole image.
    func detectFaces(in image: GrayImage) -> [PixelRect]
    /// Searches only around faces found before (much cheaper than the whole image); one box per face found.
    func detectFaces(in image: GrayImage, near previous: [PixelRect]) -> [PixelRect]
}

extension FaceDetecting {
    public func detectFaces(in image: GrayImage, near previous: [PixelRect]) -> [PixelRect] { detectFaces(in: image) }
}

extension Classifier: EmotionClassifying {
    public var views: TestTimeAugmentation? { tta }
}

extension ONNXClassifier: EmotionClassifying {
    public var views: TestTimeAugmentation? { averagesFlip ? .flip : TestTimeAugmentation.none }
}
