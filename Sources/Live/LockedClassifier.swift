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
    /// The wrapped classifier's views as they are now (`AdaptiveViews` changes them): it waits for a running
    /// batch, so the main loop asks only before the inference thread starts and learns the rest from results.
    public var views: TestTimeAugmentation? { lock.withLock { base.views } }

    public init(_ base: EmotionClassifying) {
        self.base = base
        modelName = base.modelName
        fingerprint = base.fingerprint
    }

    public func probabilities(for faces: [GrayImage]) -> [[Float]] {
        lock.withLock { base.probabilities(for: faces) }
    }
}
