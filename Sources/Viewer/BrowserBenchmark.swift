import Expression
import Foundation
import Live

/// The browser's background predictions measured as the browser runs them, for `emoscope bench browser`.
public enum BrowserBenchmark {
    public struct Predictions: Sendable {
        /// Seconds until the whole split was predicted (batches of `SplitPredictions.batchSize`).
        public let seconds: Double
        /// Seconds for the second visit: the split's fingerprint and the store's answer.
        public let secondVisitSeconds: Double
        public let secondVisitWasComplete: Bool
        /// As the second visit, after a restart: a fresh store reading the first one's directory (nil without one).
        public let afterRestartSeconds: Double?
        public let afterRestartWasComplete: Bool
        public let batchSize: Int
    }

    /// Predicts `faces` (split `split` of `root`) as the browser does, into `store`; then visits again.
    public static func predictions(faces: LabeledFaces, root: URL, split: String, classifier: EmotionClassifying,
                                   store: PredictionStore, batchSize: Int? = nil) -> Predictions {
        func key() -> PredictionStore.Key {
            PredictionStore.Key(classifier: classifier, root: root.path, split: split, faces: FaceFingerprint(faces))
        }
        let firstKey = key()
        let started = MonotonicClock.now
        let batch = batchSize ?? SplitPredictions.batchSize
        let first = SplitPredictions(faces: faces, classifier: classifier, store: store, key: firstKey, batchSize: batch)
        while first.done < first.count || store.predictions(for: firstKey) == nil { Thread.sleep(forTimeInterval: 0.002) }
        let seconds = MonotonicClock.now - started
        let again = MonotonicClock.now
        let second = SplitPredictions(faces: faces, classifier: classifier, store: store, key: key())
        let secondSeconds = MonotonicClock.now - again
        var restart: (Double, Bool)?
        if let directory = store.directory {
            let started = MonotonicClock.now
            let fresh = SplitPredictions(faces: faces, classifier: classifier, store: PredictionStore(directory: directory),
                                         key: key())
            restart = (MonotonicClock.now - started, fresh.fromStore && fresh.done == faces.count)
            fresh.cancel()
        }
        return Predictions(seconds: seconds, secondVisitSeconds: secondSeconds,
                           secondVisitWasComplete: second.fromStore && second.done == faces.count,
                           afterRestartSeconds: restart?.0, afterRestartWasComplete: restart?.1 ?? false,
                           batchSize: batch)
    }
}
