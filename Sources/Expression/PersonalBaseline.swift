import Foundation

/// Reads a person's expressions against their own usual face.
///
/// A network trained on FER2013 learns what expressions look like across thousands of strangers, mostly
/// strong ones; a real person's subtle expression (a faint frown, a slight pout) still looks neutral to it,
/// and some people's resting face looks a little sad or angry to it. Each person's faces are remembered;
/// their mean answer stands for that person's usual face (people rest most of the time), and every face is
/// then read by how far it departs from it:
///
///     log p'(c) = log p(c) + strength · (log p(c) − log usual(c)),   renormalised.
///
/// A face like the usual one keeps the network's own answer; a face whose anger rose against the person's
/// usual face gains anger even if the network alone still calls it neutral. Nothing is learned from labels.
public struct PersonalBaseline: Sendable {
    /// Best on videos made of `wild-dev`'s photos, each person resting between expressions (the model card).
    public static let defaultStrength: Float = 3

    public var strength: Float
    /// How many faces are remembered (the oldest is forgotten first).
    public let capacity: Int
    /// No adjustment before this many faces are remembered: one glance is not a usual face.
    public let minimumFaces: Int
    private var remembered: [[Float]] = []
    private var oldest = 0

    public init(strength: Float = defaultStrength, capacity: Int = 120, minimumFaces: Int = 10) {
        precondition(capacity > 0 && minimumFaces > 0)
        self.strength = strength
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

    /// The person's usual face, once enough faces are remembered.
    public var usualFace: [Float]? {
        remembered.count >= minimumFaces ? Self.mean(of: remembered) : nil
    }

    /// `probabilities` read against the usual face; unchanged until there is one.
    public func adjusted(_ probabilities: [Float]) -> [Float] {
        guard let usual = usualFace else { return probabilities }
        return Self.adjust(probabilities, usualFace: usual, strength: strength)
    }

    /// The mean of `faces`' probabilities; nil for none.
    public static func mean(of faces: [[Float]]) -> [Float]? {
        let usable = faces.filter { $0.count == Emotion.allCases.count }
        guard !usable.isEmpty else { return nil }
        var mean = [Float](repeating: 0, count: Emotion.allCases.count)
        for face in usable { for c in mean.indices { mean[c] += face[c] } }
        return mean.map { $0 / Float(usable.count) }
    }

    /// The formula above. Probabilities are floored at 1e-6 so a class the network rules out stays finite.
    public static func adjust(_ probabilities: [Float], usualFace: [Float], strength: Float) -> [Float] {
        guard probabilities.count == usualFace.count, !probabilities.isEmpty else { return probabilities }
        let floor: Float = 1e-6
        let scores = zip(probabilities, usualFace).map { p, usual in
            let logP = log(max(p, floor))
            return logP + strength * (logP - log(max(usual, floor)))
        }
        let top = scores.max()!
        let exps = scores.map { exp($0 - top) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }

    /// Each face read against its own person's usual face, taken from that person's *other* faces (so a face
    /// never sets its own reference). `people[i]` names face i's person; a face without a person, or the only
    /// face of its person, is left as it is.
    public static func adjustEach(_ probabilities: [[Float]], people: [String?],
                                  strength: Float = defaultStrength) -> [[Float]] {
        precondition(probabilities.count == people.count)
        var members: [String: [Int]] = [:]
        for (i, person) in people.enumerated() { if let person { members[person, default: []].append(i) } }
        return probabilities.indices.map { i in
            guard let person = people[i], let all = members[person] else { return probabilities[i] }
            guard let usual = mean(of: all.filter { $0 != i }.map { probabilities[$0] }) else { return probabilities[i] }
            return adjust(probabilities[i], usualFace: usual, strength: strength)
        }
    }
}
