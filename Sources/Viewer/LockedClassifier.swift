import Expression
import Foundation

/// Lets the inference worker and the dataset browser share one classifier, which must be called from one
/// thread at a time: every call holds a lock.
public final class LockedClassifier: EmotionClassifying, @unchecked Sendable {
    private let base: EmotionClassifying
    private let lock = NSLock()

    public init(_ base: EmotionClassifying) { self.base = base }

    public var modelName: String { lock.withLock { base.modelName } }

    public func probabilities(for faces: [GrayImage]) -> [[Float]] {
        lock.withLock { base.probabilities(for: faces) }
    }
}
