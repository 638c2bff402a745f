import Expression
import Imaging

/// The live view's views per face, fitted to the machine it runs on: the model's own views while every face
/// of a frame can be classified with them within `budget`, fewer (each rung of the ladder roughly halves the
/// work) when it cannot — a slower CPU, a busy one, more faces — and the model's own again when there is
/// room. Files analysed offline always get the model's views; a `--tta` the user chose is not adapted.
/// Called from the inference thread only.
public final class AdaptiveViews: EmotionClassifying {
    private let base: Classifier
    /// The model's views first, then each cheaper rung.
    public let ladder: [TestTimeAugmentation]
    /// Seconds the classification of one frame's faces may take: with the detection, rounds of about 55 ms,
    /// so every face is classified some 18 times a second, over the live view's 15.
    public let budget: Double
    /// A richer rung is taken again only when it is predicted to need at most this share of the budget, so
    /// that the views do not swing between two rungs from one frame to the next.
    static let stepUpShare = 0.85
    /// The newest measurement counts this much in a rung's running cost.
    static let costWeight = 0.2
    /// The rungs not run this frame move this much toward the cost just measured.
    static let staleWeight = 0.02
    /// Per rung, the running cost of one view of one face in seconds (small batches cost more per view, so
    /// each rung keeps its own); nil until the rung has run.
    public private(set) var secondsPerView: [Double?]
    public private(set) var rung = 0

    public init(_ base: Classifier, budget: Double = 0.05) {
        self.base = base
        let own = base.tta
        ladder = [own] + [TestTimeAugmentation.zoom, .flip, .none].filter { $0.viewCount < own.viewCount }
        secondsPerView = Array(repeating: nil, count: ladder.count)
        self.budget = budget
    }

    public var modelName: String { base.modelName }
    public var fingerprint: UInt64? { nil }
    /// The views the last frame's faces were classified with.
    public var views: TestTimeAugmentation? { ladder[rung] }

    public func probabilities(for faces: [GrayImage]) -> [[Float]] {
        guard !faces.isEmpty else { return [] }
        rung = Self.chooseRung(faces: faces.count, secondsPerView: secondsPerView, current: rung, ladder: ladder,
                               budget: budget)
        base.tta = ladder[rung]
        let start = MonotonicClock.now
        let probabilities = base.probabilities(for: faces)
        let perView = (MonotonicClock.now - start) / Double(faces.count * ladder[rung].viewCount)
        for index in ladder.indices {
            // The rungs not run drift toward today's cost, so that one slow moment is not held against
            // them for ever.
            let weight = index == rung ? Self.costWeight : Self.staleWeight
            secondsPerView[index] = secondsPerView[index].map { $0 + weight * (perView - $0) } ?? (index == rung ? perView : nil)
        }
        return probabilities
    }

    /// The rung for `faces` faces: the richest whose frame fits the budget at its cost per view (a rung not
    /// run yet costs what the nearest one that has run does; to step up from `current`, with room to spare),
    /// else the cheapest. Before anything has run, `current`.
    static func chooseRung(faces: Int, secondsPerView: [Double?], current: Int, ladder: [TestTimeAugmentation],
                           budget: Double) -> Int {
        let measured = secondsPerView.indices.filter { secondsPerView[$0] != nil }
        guard !measured.isEmpty else { return current }
        for (index, views) in ladder.enumerated() {
            let nearest = measured.min { abs($0 - index) < abs($1 - index) }!
            let cost = secondsPerView[index] ?? secondsPerView[nearest]!
            let seconds = Double(faces * views.viewCount) * cost
            if seconds <= (index < current ? stepUpShare * budget : budget) { return index }
        }
        return ladder.count - 1
    }
}
