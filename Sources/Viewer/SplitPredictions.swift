import Expression
import Foundation
import Live
import Synchronization

/// The model's predictions for every face of a split, computed on a background thread in batches (each batch
/// on all cores), so the browser's grid is usable at once and fills in. Read from the main loop without
/// waiting. Finished predictions go to the store, and a split found there is complete at once. With `people`
/// (each face's person), a complete split is read as `eval --detect --people` reads it: each face against its
/// person's usual face, the mean of that person's other faces (`PersonalBaseline`); the store keeps the
/// network's own answers.
final class SplitPredictions: @unchecked Sendable {
    private struct Shared {
        var probabilities: [[Float]?]
        /// Each face read against its person's usual face, once every face is predicted (with `people`).
        var perPerson: [[Float]?]?
        var done = 0
        var cancelled = false
        var paused = false
    }

    let count: Int
    /// The views each face is classified with, as `eval --tta` would be told them: the chart says so.
    let views: TestTimeAugmentation
    /// True when the store had this split's predictions, so none were computed.
    let fromStore: Bool
    private let shared: Mutex<Shared>
    private let worker = WorkerThread()
    // Small enough that the live view gets the classifier back within a fraction of a second.
    static let batchSize = 32

    /// `classifier` is shared with the live view's inference thread: its calls go through its lock.
    init(faces: LabeledFaces, classifier: EmotionClassifying, store: PredictionStore? = nil,
         key: PredictionStore.Key? = nil, batchSize: Int = SplitPredictions.batchSize, paused: Bool = false,
         people: [String?]? = nil) {
        precondition(people == nil || people?.count == faces.count)
        count = faces.count
        views = classifier.views ?? .none
        if let store, let key, let known = store.predictions(for: key), known.count == faces.count {
            shared = Mutex(Shared(probabilities: known, perPerson: Self.perPerson(known, people: people), done: faces.count))
            fromStore = true
            return
        }
        let classifier = classifier as? LockedClassifier ?? LockedClassifier(classifier)
        fromStore = false
        shared = Mutex(Shared(probabilities: [[Float]?](repeating: nil, count: faces.count), paused: paused))
        worker.start(name: "emoscope.browser-predictions") { [self] in
            var start = 0
            while start < faces.count {
                // Paused while the live view is shown: the classifier is theirs then.
                while shared.withLock({ $0.paused && !$0.cancelled }) { Thread.sleep(forTimeInterval: 0.05) }
                if shared.withLock({ $0.cancelled }) { return }
                let end = min(faces.count, start + batchSize)
                let batch = classifier.probabilities(for: (start..<end).map(faces.face))
                let first = start
                shared.withLock { s in
                    for (offset, p) in batch.enumerated() { s.probabilities[first + offset] = p }
                    s.done = end
                    if end == faces.count { s.perPerson = Self.perPerson(s.probabilities, people: people) }
                }
                start = end
            }
            if let store, let key { store.save(shared.withLock { $0.probabilities }, for: key) }
        }
    }

    deinit { cancel() }

    func cancel() {
        shared.withLock { $0.cancelled = true }
        worker.join()
    }

    var paused: Bool {
        get { shared.withLock { $0.paused } }
        set { shared.withLock { $0.paused = newValue } }
    }

    /// How the split is scored, for the confusion matrix's title: "4 views a face: closer, mirrored, as eval --tta zoom".
    var scoring: String { views == .none ? "\(views.summary), as eval" : "\(views.summary), as eval --tta \(views.rawValue)" }

    /// Faces predicted so far (they are predicted in file order).
    var done: Int { shared.withLock { $0.done } }
    var probabilities: [[Float]?] { shared.withLock { $0.perPerson ?? $0.probabilities } }
    func probabilities(_ index: Int) -> [Float]? { shared.withLock { ($0.perPerson ?? $0.probabilities)[index] } }
    /// Whether the answers are read against each person's usual face (every face predicted, with `people`).
    var readPerPerson: Bool { shared.withLock { $0.perPerson != nil } }

    private static func perPerson(_ probabilities: [[Float]?], people: [String?]?) -> [[Float]?]? {
        guard let people, probabilities.allSatisfy({ $0 != nil }) else { return nil }
        return PersonalBaseline.adjustEach(probabilities.map { $0! }, people: people)
    }
}
