/// Counts of (true class, predicted class) pairs and the metrics derived from them.
public struct ConfusionMatrix: Sendable, Equatable, Codable {
    public let classCount: Int
    /// counts[truth][prediction]
    public private(set) var counts: [[Int]]

    public init(classCount: Int = Emotion.allCases.count) {
        self.classCount = classCount
        counts = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
    }

    public mutating func add(truth: Int, prediction: Int) { counts[truth][prediction] += 1 }

    public var total: Int { counts.joined().reduce(0, +) }
    public var correct: Int { (0..<classCount).reduce(0) { $0 + counts[$1][$1] } }
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Samples whose true class is `c`.
    public func support(_ c: Int) -> Int { counts[c].reduce(0, +) }
    /// Samples predicted as `c`.
    public func predicted(_ c: Int) -> Int { counts.reduce(0) { $0 + $1[c] } }

    public func precision(_ c: Int) -> Double { predicted(c) == 0 ? 0 : Double(counts[c][c]) / Double(predicted(c)) }
    public func recall(_ c: Int) -> Double { support(c) == 0 ? 0 : Double(counts[c][c]) / Double(support(c)) }
    public func f1(_ c: Int) -> Double {
        let (p, r) = (precision(c), recall(c))
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }
    public var macroF1: Double { (0..<classCount).reduce(0) { $0 + f1($1) } / Double(classCount) }

    /// A readable table: the matrix with class names, then precision, recall, F1 and support per class.
    public func report(classNames: [String]) -> String {
        let width = max(9, (classNames.map(\.count).max() ?? 0) + 1)
        func cell(_ text: String, _ w: Int = 8) -> String { String(repeating: " ", count: max(0, w - text.count)) + text }
        func name(_ text: String) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        var lines = [name("truth \\ predicted") + classNames.map { cell(String($0.prefix(7))) }.joined()]
        for (t, row) in counts.enumerated() { lines.append(name(classNames[t]) + row.map { cell("\($0)") }.joined()) }
        lines.append("")
        lines.append(name("class") + cell("precision", 10) + cell("recall") + cell("F1") + cell("support", 9))
        for c in 0..<classCount {
            lines.append(name(classNames[c]) + cell(percent(precision(c)), 10) + cell(percent(recall(c)))
                         + cell(percent(f1(c))) + cell("\(support(c))", 9))
        }
        lines.append("")
        lines.append("accuracy \(percent(accuracy)) (\(correct)/\(total); \(AccuracyInterval(correct: correct, total: total).description))"
                     + "   macro-F1 \(percent(macroF1))")
        return lines.joined(separator: "\n")
    }

    private func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
}

#if canImport(Foundation)
import Foundation
#endif
