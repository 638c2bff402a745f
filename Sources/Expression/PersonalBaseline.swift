import Foundation

/// Reads a person's expressions against their own resting face.
///
/// A network trained on FER2013 learns what expressions look like across thousands of strangers, mostly
/// strong ones; a real person's subtle expression (a faint frown, a slight pout) still looks neutral to it,
/// and some people's resting face looks a little sad or angry to it. Each person's faces are remembered;
/// those the network finds most neutral stand for that person's resting face, and every face is then read
/// by how far it departs from it:
///
///     log p'(c) = log p(c) + strength · (log p(c) − log rest(c)),   renormalised.
///
/// The resting face itself keeps the network's own answer; a face whose anger rose against the person's
/// resting face gains anger even if the network alone still calls it neutral. Nothing is learned from
/// labels: the resting face is chosen by the network's own neutral probability.
public struct PersonalBaseline: Sendable {
    /// Chosen on whole photos of `wild-dev` (each person's faces read against the rest of their own).
    public static let defaultStrength: Float = 2
    /// The share of a person's remembered faces, the most neutral-looking, averaged into the resting face.
    public static let defaultRestingShare = 0.2

    public var strength: Float
    public var restingShare: Double
    /// How many faces are remembered (the oldest is forgotten first).
    public let capacity: Int
    /// No adjustment before this many faces are remembered: one glance is not a resting face.
    public let minimumFaces: Int
    private var remembered: [[Float]] = []
    private var oldest = 0

    public init(strength: Float = defaultStrength, restingShare: Double = defaultRestingShare, capacity: Int = 120,
                minimumFaces: Int = 10) {
        precondition(capacity > 0 && minimumFaces > 0 && restingShare > 0 && restingShare <= 1)
        self.strength = strength
        self.restingShare = restingShare
        self.capacity = capacity
        self.minimumFaces = minimumFaces
    }

    /// How many faces are remembered now.
    public var count: Int { remembered.count }

    /// Remembers one face's probabilities (`Emotion.allCases` order, as the network gave them).
    public mutating func remember(_ probabilities: [Float]) {
        guard probabilities.count == Emotion.allCases.count, probabilities.allSatisfy(\.isFinite) else { return }
        if remembered.count < capacity {
            remembered.append(probabilities)
        } else {
            remembered[oldest] = probabilities
            oldest = (oldest + 1) % capacity
        }
    }

    /// The person's resting face, once enough faces are remembered.
    public var restingFace: [Float]? {
        remembered.count >= minimumFaces ? Self.restingFace(of: remembered, share: restingShare) : nil
    }

    /// `probabilities` read against the resting face; unchanged until there is one.
    public func adjusted(_ probabilities: [Float]) -> [Float] {
        guard let rest = restingFace else { return probabilities }
        return Self.adjust(probabilities, restingFace: rest, strength: strength)
    }

    /// The mean of the most neutral-looking `share` of `faces` (at least one face); nil for none.
    public static func restingFace(of faces: [[Float]], share: Double) -> [Float]? {
        let neutral = Emotion.neutral.rawValue
        let usable = faces.filter { $0.count == Emotion.allCases.count }
        guard !usable.isEmpty else { return nil }
        let k = max(1, Int((share * Double(usable.count)).rounded()))
        let calmest = usable.sorted { $0[neutral] > $1[neutral] }.prefix(k)
        var mean = [Float](repeating: 0, count: Emotion.allCases.count)
        for face in calmest { for c in mean.indices { mean[c] += face[c] } }
        return mean.map { $0 / Float(k) }
    }

    /// The formula above. Probabilities are floored at 1e-6 so a class the network rules out stays finite.
    public static func adjust(_ probabilities: [Float], restingFace: [Float], strength: Float) -> [Float] {
        guard probabilities.count == restingFace.count, !probabilities.isEmpty else { return probabilities }
        let floor: Float = 1e-6
        let scores = zip(probabilities, restingFace).map { p, rest in
            let logP = log(max(p, floor))
            return logP + strength * (logP - log(max(rest, floor)))
        }
        let top = scores.max()!
        let exps = scores.map { exp($0 - top) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }

    /// Each face read against its own person's resting face, taken from that person's *other* faces (so a
    /// face never sets its own reference). `people[i]` names face i's person; a face without a person, or
    /// the only face of its person, is left as it is.
    public static func adjustEach(_ probabilities: [[Float]], people: [String?], share: Double = defaultRestingShare,
                                  strength: Float = defaultStrength) -> [[Float]] {
        precondition(probabilities.count == people.count)
        var members: [String: [Int]] = [:]
        for (i, person) in people.enumerated() { if let person { members[person, default: []].append(i) } }
        return probabilities.indices.map { i in
            guard let person = people[i], let all = members[person] else { return probabilities[i] }
            let others = all.filter { $0 != i }.map { probabilities[$0] }
            guard let rest = restingFace(of: others, share: share) else { return probabilities[i] }
            return adjust(probabilities[i], restingFace: rest, strength: strength)
        }
    }
}
