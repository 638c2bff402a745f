import Expression
import Testing

/// The interval printed beside every accuracy and the paired test of `eval --compare`, against values from
/// statsmodels (`proportion_confint(k, n, method="wilson")`) and SciPy (`binomtest(b, b + c, 0.5).pvalue`).
@Suite struct AccuracyStatisticsTests {
    @Test(arguments: [(161, 272, 0.532618, 0.648645), (2529, 3589, 0.689516, 0.719353),
                      (0, 30, 0.0, 0.113513), (30, 30, 0.886487, 1.0), (1, 2, 0.094531, 0.905469)])
    func wilsonIntervalMatchesStatsmodels(_ correct: Int, _ total: Int, _ lower: Double, _ upper: Double) {
        let interval = AccuracyInterval(correct: correct, total: total)
        #expect(abs(interval.lower - lower) < 1e-6)
        #expect(abs(interval.upper - upper) < 1e-6)
    }

    @Test func noFacesLeaveEverythingPossible() {
        #expect(AccuracyInterval(correct: 0, total: 0) == AccuracyInterval(correct: 0, total: 0))
        #expect(AccuracyInterval(correct: 0, total: 0).lower == 0 && AccuracyInterval(correct: 0, total: 0).upper == 1)
    }

    @Test(arguments: [(10, 2, 0.03857421875), (7, 3, 0.34375), (20, 20, 1.0), (0, 5, 0.0625),
                      (31, 18, 0.08543313315739454), (0, 0, 1.0)])
    func mcNemarMatchesSciPy(_ onlyFirst: Int, _ onlySecond: Int, _ p: Double) {
        // Faces both get right or wrong change nothing: three of each are added.
        let first = [Bool](repeating: true, count: onlyFirst) + [Bool](repeating: false, count: onlySecond) + [true, true, true, false, false, false]
        let second = [Bool](repeating: false, count: onlyFirst) + [Bool](repeating: true, count: onlySecond) + [true, true, true, false, false, false]
        let comparison = PairedComparison(first: first, second: second)
        #expect(comparison.onlyFirst == onlyFirst && comparison.onlySecond == onlySecond)
        #expect(comparison.both == 3 && comparison.neither == 3)
        #expect(abs(comparison.pValue - p) < 1e-12)
    }

    @Test func scoringRecordsWhichFacesWereRight() {
        var faces = LabeledFaces()
        for label in [Emotion.happy, .sad, .angry] {
            faces.append([UInt8](repeating: 0, count: LabeledFaces.faceSize), label: label, path: "\(label)")
        }
        let happy: [Float] = [0, 0, 0, 1, 0, 0, 0]
        let result = Evaluation.score([happy, happy, [0.9, 0, 0, 0.1, 0, 0, 0]], on: faces)
        #expect(result.right == [true, false, true])
        #expect(result.confusion.correct == 2)
    }

    @Test func thousandsOfDisagreementsDoNotUnderflow() {
        // 1,100 against 900 of 2,000 (2^-2000 alone underflows a Double): SciPy gives 8.45708953550381e-06.
        let first = [Bool](repeating: true, count: 1100) + [Bool](repeating: false, count: 900)
        let p = PairedComparison(first: first, second: first.map { !$0 }).pValue
        #expect(abs(p / 8.45708953550381e-06 - 1) < 1e-9)
    }
}
