import Expression
import Testing

struct PredictionQueryTests {
    // Five faces with known labels and predictions.
    static let labels: [Emotion] = [.happy, .sad, .sad, .angry, .happy]
    static func p(_ e: Emotion, _ confidence: Float) -> [Float] {
        var row = [Float](repeating: (1 - confidence) / 6, count: 7)
        row[e.rawValue] = confidence
        return row
    }
    static let predictions: [[Float]?] = [
        p(.happy, 0.9),   // 0 right, confident
        p(.neutral, 0.8), // 1 wrong, confident: p(sad) = 0.033
        p(.sad, 0.5),     // 2 right
        p(.happy, 0.4),   // 3 wrong, unsure: p(angry) = 0.1
        nil,              // 4 not predicted yet
    ]

    @Test func filtersByOutcomeAndClass() {
        func q(_ query: PredictionQuery) -> [Int] { query.indices(labels: Self.labels, probabilities: Self.predictions) }
        #expect(q(PredictionQuery()) == [0, 1, 2, 3, 4], "everything in file order, predicted or not")
        #expect(q(PredictionQuery(outcome: .misclassified)) == [1, 3])
        #expect(q(PredictionQuery(outcome: .correct)) == [0, 2])
        #expect(q(PredictionQuery(trueClass: .sad)) == [1, 2])
        #expect(q(PredictionQuery(predictedClass: .happy)) == [0, 3])
        #expect(q(PredictionQuery(trueClass: .angry, predictedClass: .happy)) == [3], "one confusion-matrix cell")
    }

    @Test func sortsByLossAndConfidence() {
        func q(_ query: PredictionQuery) -> [Int] { query.indices(labels: Self.labels, probabilities: Self.predictions) }
        #expect(q(PredictionQuery(order: .loss)) == [1, 3, 2, 0], "most confidently wrong first")
        #expect(q(PredictionQuery(order: .confidence)) == [0, 1, 2, 3])
        #expect(q(PredictionQuery(outcome: .misclassified, order: .loss)) == [1, 3])
    }
}
