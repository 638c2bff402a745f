import Imaging
import Expression
import Testing

@Suite("Confusion matrix")
struct ConfusionMatrixTests {
    @Test func sumsAndPerClassNumbersAgreeWithTheCounts() {
        var matrix = ConfusionMatrix(classCount: 3)
        let pairs = [(0, 0), (0, 0), (0, 1), (1, 1), (1, 1), (1, 1), (1, 2), (2, 0), (2, 2), (2, 2)]
        for (truth, prediction) in pairs { matrix.add(truth: truth, prediction: prediction) }
        #expect(matrix.total == pairs.count)
        #expect(matrix.counts.map { $0.reduce(0, +) } == [3, 4, 3])
        #expect(matrix.correct == 7)
        #expect(matrix.accuracy == 0.7)
        // Class 0: 2 of 3 found; predicted 3 times (2 right).
        #expect(matrix.recall(0) == 2.0 / 3)
        #expect(matrix.precision(0) == 2.0 / 3)
        // Class 1: 3 of 4 found; predicted 4 times (3 right).
        #expect(matrix.recall(1) == 0.75)
        #expect(matrix.precision(1) == 0.75)
        // Class 2: 2 of 3 found; predicted 3 times (2 right).
        #expect(abs(matrix.f1(2) - 2.0 / 3) < 1e-12)
        #expect(abs(matrix.macroF1 - (2.0 / 3 + 0.75 + 2.0 / 3) / 3) < 1e-12)
        let report = matrix.report(classNames: ["a", "b", "c"])
        // Wilson's interval for 7 of 10 (statsmodels' proportion_confint: 0.3968, 0.8922).
        #expect(report.contains("accuracy 70.0% (7/10; 95% interval 39.7–89.2%)"))
    }

    @Test func anEmptyClassHasZeroScoresNotNaN() {
        var matrix = ConfusionMatrix(classCount: 2)
        matrix.add(truth: 0, prediction: 0)
        #expect(matrix.precision(1) == 0 && matrix.recall(1) == 0 && matrix.f1(1) == 0)
        #expect(!matrix.macroF1.isNaN)
    }
}
