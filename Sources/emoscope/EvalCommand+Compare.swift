import Expression
import Foundation

/// `eval --compare OTHER`: the other model scored on the same faces, and whether the two differ by more
/// than chance would. Model choices of a few faces either way are mostly noise; this says which are not.
struct ComparisonReport: Codable {
    var model: String
    var accuracy: Double
    var correct, total: Int
    /// Faces the evaluated model gets right and the other wrong, and the other way round.
    var onlyThis, onlyOther: Int
    /// McNemar's exact two-sided p-value.
    var pValue: Double

    init(model: String, this: [Bool], other: [Bool]) {
        let comparison = PairedComparison(first: this, second: other)
        self.model = model
        correct = other.filter { $0 }.count
        total = other.count
        accuracy = total == 0 ? 0 : Double(correct) / Double(total)
        onlyThis = comparison.onlyFirst
        onlyOther = comparison.onlySecond
        pValue = comparison.pValue
    }

    /// Two lines for the text report; `what` names what was compared ("faces", "photos").
    func lines(thisName: String, what: String) -> [String] {
        let name = URL(fileURLWithPath: model).lastPathComponent
        let verdict = pValue < 0.05 ? "a real difference (p < 0.05)" : "within what chance gives (p ≥ 0.05)"
        return [
            "compared with \(name) on the same \(total) \(what): " + String(format: "%.1f%%", accuracy * 100)
                + " (\(correct)/\(total); \(AccuracyInterval(correct: correct, total: total).description))",
            "  right only with \(thisName): \(onlyThis); right only with \(name): \(onlyOther); "
                + String(format: "McNemar's exact test p = %.3g: ", pValue) + verdict,
        ]
    }
}
