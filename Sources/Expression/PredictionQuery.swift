import Foundation

/// Which faces of a labelled split to show, and in which order, given the model's predictions: the
/// questions a dataset browser is opened for (which faces are wrong, how badly, of which class).
public struct PredictionQuery: Sendable, Equatable {
    public enum Outcome: String, Sendable, CaseIterable {
        case all, misclassified, correct
    }

    public enum Order: String, Sendable, CaseIterable {
        /// As the files are listed.
        case file
        /// Most confident prediction first.
        case confidence
        /// Highest loss (−log p(true class)) first: the most confidently wrong faces, where label noise and
        /// model errors show.
        case loss
    }

    public var outcome = Outcome.all
    public var order = Order.file
    public var trueClass: Emotion?
    public var predictedClass: Emotion?

    public init(outcome: Outcome = .all, order: Order = .file, trueClass: Emotion? = nil, predictedClass: Emotion? = nil) {
        self.outcome = outcome
        self.order = order
        self.trueClass = trueClass
        self.predictedClass = predictedClass
    }

    /// True when the answer depends on predictions (faces without one yet are left out).
    public var needsPredictions: Bool { outcome != .all || order != .file || predictedClass != nil }

    /// Indices of the faces to show. `probabilities[i]` is face i's prediction (Emotion order), nil until known.
    public func indices(labels: [Emotion], probabilities: [[Float]?]) -> [Int] {
        var chosen: [(index: Int, key: Double)] = []
        for (i, label) in labels.enumerated() {
            if let trueClass, label != trueClass { continue }
            guard let p = probabilities[safe: i] ?? nil, p.count == Emotion.allCases.count else {
                if !needsPredictions { chosen.append((i, 0)) }
                continue
            }
            let best = p.indices.max { p[$0] < p[$1] }!
            if let predictedClass, best != predictedClass.rawValue { continue }
            let correct = best == label.rawValue
            if outcome == .correct && !correct || outcome == .misclassified && correct { continue }
            let key: Double = switch order {
            case .file: 0
            case .confidence: -Double(p[best])
            case .loss: Double(log(max(p[label.rawValue], 1e-12)))
            }
            chosen.append((i, key))
        }
        if order != .file { chosen.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index } }
        return chosen.map(\.index)
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

extension CaseIterable where Self: Equatable, AllCases: BidirectionalCollection {
    /// The next case, wrapping around (for keys that cycle through choices).
    public var next: Self {
        let all = Self.allCases
        let i = all.firstIndex(of: self)!
        let after = all.index(after: i)
        return after == all.endIndex ? all.first! : all[after]
    }
}
