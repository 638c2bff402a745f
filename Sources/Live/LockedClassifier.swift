import Imaging
import Expression
import Foundation

/// Lets the inference worker and the dataset browser share one classifier, which must be called from one
/// thread at a time: every call holds a lock.
public final class LockedClassifier: EmotionClassifying, @unchecked Sendable {
    private let base: EmotionClassifying
    private let lock = NSLock()

    /// Read once: asking the wrapped classifier would wait for a running batch (and stall the main loop).
    public let modelName: String
    public let fingerprint: UInt64?
    public let views: TestTimeAugmentation?

    public init(_ base: EmotionClassifying) {
        self.base = base
        modelName = base.modelName
        fingerprint = base.fingerprint
        views = base.views
    }

    public func probabilities(for faces: [GrayImage]) -> [[Float]] {
        lock.withLock { base.probabilities(for: faces) }
    }
}
