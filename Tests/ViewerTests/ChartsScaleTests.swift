import Imaging
import Live
import Graphics
import Testing

/// Axis scaling for the charts: pure arithmetic, no SDL.
@Suite struct ChartsScaleTests {
    static let awkwardInputs: [[Double]] = [
        [], [0.42], [3, 3, 3], [.nan], [.nan, .infinity, -.infinity], [1.9, .nan, 0.7], [0, 1e-12],
        [-.greatestFiniteMagnitude, .greatestFiniteMagnitude], [1e6, 2e6], [-5, 5],
    ]

    @Test(arguments: awkwardInputs)
    func anyInputGivesFiniteOrderedBoundsAndTicksInside(values: [Double]) {
        let scale = AxisScale(covering: values)
        #expect(scale.lower.isFinite && scale.upper.isFinite)
        #expect(scale.upper > scale.lower)
        #expect(scale.ticks.count >= 2 && scale.ticks.count <= 12, "\(scale.ticks)")
        #expect(scale.ticks.allSatisfy { $0 >= scale.lower - 1e-9 && $0 <= scale.upper + 1e-9 })
        #expect(zip(scale.ticks, scale.ticks.dropFirst()).allSatisfy { $0 < $1 })
        for value in values where value.isFinite && abs(value) < 1e300 {
            #expect(scale.lower <= value && value <= scale.upper, "\(value) outside \(scale.lower)...\(scale.upper)")
            #expect(scale.fraction(value).isFinite)
        }
    }

    @Test func ticksAreNiceNumbersAndLabelsTellThemApart() {
        let loss = AxisScale(covering: [1.93, 1.41, 1.12, 0.98])
        #expect(loss.lower == 0.8 && loss.upper == 2.0, "\(loss)")
        #expect(loss.ticks.map(loss.label) == ["0.8", "1.0", "1.2", "1.4", "1.6", "1.8", "2.0"])
        let counts = AxisScale(covering: [436, 7215, 3995], includingZero: true)
        #expect(counts.lower == 0 && counts.upper == 8000 && counts.ticks.last == 8000)
        #expect(counts.label(2000) == "2000")
        let fine = AxisScale(covering: [0.61, 0.63])
        #expect(fine.ticks.map(fine.label).count == Set(fine.ticks.map(fine.label)).count, "labels repeat: \(fine.ticks)")
    }

    @Test func accuracyStaysWithinItsLimits() {
        let scale = AxisScale(covering: [97.5, 99.9, 100], limits: 0...100)
        #expect(scale.upper == 100 && scale.lower >= 0 && scale.lower <= 97.5)
        let single = AxisScale(covering: [100], limits: 0...100)
        #expect(single.upper == 100 && single.lower < 100)
    }

    @Test func epochAxis() {
        let one = AxisScale.epochs(1)
        #expect(one.ticks == [1] && one.lower < 1 && one.upper > 1)
        #expect(one.fraction(1) == 0.5)
        let many = AxisScale.epochs(137)
        #expect(many.lower == 1 && many.upper == 137)
        #expect(many.ticks.first == 1 && many.ticks.count <= 10 && many.ticks.allSatisfy { $0 == $0.rounded() && $0 <= 137 })
        #expect(AxisScale.epochs(5).ticks == [1, 2, 3, 4, 5])
    }
}
