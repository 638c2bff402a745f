import Foundation
import Testing
@testable import Expression

/// Reading a face against its person's usual face: the formula against a Double computation, the usual
/// face, and what a user sees (a faint frown read as angry once the usual face is known).
@Suite struct PersonalBaselineTests {
    // angry, disgust, fear, happy, neutral, sad, surprise
    static let resting: [Float] = [0.03, 0.03, 0.06, 0.05, 0.63, 0.15, 0.05]
    static let faintFrown: [Float] = [0.10, 0.04, 0.06, 0.03, 0.55, 0.19, 0.03]

    /// Double reference: p·(p/rest)^s, normalised (the same as the log form).
    static func reference(_ p: [Float], _ rest: [Float], _ s: Double) -> [Double] {
        let raw = zip(p, rest).map { Double($0) * pow(Double($0) / Double($1), s) }
        let sum = raw.reduce(0, +)
        return raw.map { $0 / sum }
    }

    @Test func adjustmentMatchesADoubleComputation() {
        for strength in [0.5, 1, 2, 3] as [Float] {
            let got = PersonalBaseline.adjust(Self.faintFrown, usualFace: Self.resting, strength: strength)
            let want = Self.reference(Self.faintFrown, Self.resting, Double(strength))
            for (g, w) in zip(got, want) { #expect(abs(Double(g) - w) < 1e-5) }
            #expect(abs(got.reduce(0, +) - 1) < 1e-5)
        }
    }

    @Test func aFaintFrownReadsAsAngryAgainstTheRestingFace() {
        #expect(Emotion.mostProbable(Self.faintFrown) == .neutral)
        let read = PersonalBaseline.adjust(Self.faintFrown, usualFace: Self.resting, strength: 2)
        #expect(Emotion.mostProbable(read) == .angry)
        // A face like the usual one keeps the network's answer, unchanged.
        let rest = PersonalBaseline.adjust(Self.resting, usualFace: Self.resting, strength: 2)
        for (r, p) in zip(rest, Self.resting) { #expect(abs(r - p) < 1e-6) }
        // Strength 0 is the network alone.
        let none = PersonalBaseline.adjust(Self.faintFrown, usualFace: Self.resting, strength: 0)
        for (r, p) in zip(none, Self.faintFrown) { #expect(abs(r - p) < 1e-6) }
    }

    @Test func aClassTheNetworkRulesOutStaysFinite() {
        let p: [Float] = [0, 0, 0, 1, 0, 0, 0]
        let read = PersonalBaseline.adjust(p, usualFace: Self.resting, strength: 2)
        #expect(read.allSatisfy { $0.isFinite })
        #expect(Emotion.mostProbable(read) == .happy)
    }

    @Test func theUsualFaceIsTheMeanAnswer() {
        let faces: [[Float]] = [[0.5, 0, 0, 0.3, 0.2, 0, 0], [0.1, 0, 0, 0.1, 0.8, 0, 0], [0.3, 0, 0, 0.2, 0.5, 0, 0]]
        let usual = PersonalBaseline.mean(of: faces + [[1]])!
        for (u, want) in zip(usual, [0.3, 0, 0, 0.2, 0.5, 0, 0] as [Float]) { #expect(abs(u - want) < 1e-6) }
        #expect(PersonalBaseline.mean(of: []) == nil)
    }

    @Test func liveBaselineWaitsForEnoughFacesAndForgetsTheOldest() {
        var baseline = PersonalBaseline(strength: 3, capacity: 4, minimumFaces: 3)
        baseline.remember(Self.resting)
        baseline.remember(Self.resting)
        #expect(baseline.usualFace == nil)
        #expect(baseline.adjusted(Self.faintFrown) == Self.faintFrown, "no adjustment before enough faces")
        baseline.remember(Self.resting)
        #expect(baseline.usualFace != nil)
        #expect(Emotion.mostProbable(baseline.adjusted(Self.faintFrown)) == .angry)
        // Malformed answers are not remembered.
        baseline.remember([0.5, .nan, 0, 0, 0.5, 0, 0])
        baseline.remember([1])
        #expect(baseline.count == 3)
        // Past capacity the oldest go first: after four frowns the usual face is a frown, and a frown held
        // that long is read as the network reads it.
        for _ in 0..<4 { baseline.remember(Self.faintFrown) }
        #expect(baseline.count == 4)
        for (r, f) in zip(baseline.usualFace!, Self.faintFrown) { #expect(abs(r - f) < 1e-6) }
        for (r, f) in zip(baseline.adjusted(Self.faintFrown), Self.faintFrown) { #expect(abs(r - f) < 1e-6) }
    }

    @Test func eachFaceIsReadAgainstTheOtherFacesOfItsPerson() {
        let a = PersonalBaseline.adjustEach([Self.faintFrown, Self.resting, Self.faintFrown], people: ["ann", "ann", nil],
                                            strength: 2)
        // Ann's frown against her other face (the resting one): angry.
        #expect(Emotion.mostProbable(a[0]) == .angry)
        // Ann's resting face against her frown: never its own reference, so it moves away from the frown.
        let want = PersonalBaseline.adjust(Self.resting, usualFace: Self.faintFrown, strength: 2)
        #expect(a[1] == want)
        // A face without a person is left as it is.
        #expect(a[2] == Self.faintFrown)
        // A person's only face too.
        #expect(PersonalBaseline.adjustEach([Self.faintFrown], people: ["bob"]) == [Self.faintFrown])
    }
}
