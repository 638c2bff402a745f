import Expression
import Foundation
import NeuralNet
import Testing

struct PhotometricJitterTests {
    static let side = 8
    static let unit = InputNormalization(scale: 1 / 255, offset: 0)   // values are pixels / 255

    static func flat(_ value: Float) -> [Float] { [Float](repeating: value, count: side * side) }

    @Test func switchedOffItChangesNothingAndDrawsNothing() {
        var values = Self.flat(0.4)
        var generator = SeededGenerator(seed: 9)
        PhotometricJitter.none.apply(to: &values, side: Self.side, normalization: Self.unit, generator: &generator)
        var fresh = SeededGenerator(seed: 9)
        #expect(values == Self.flat(0.4))
        #expect(generator.next() == fresh.next(), "an old run's random stream must not move")
    }

    @Test func brightnessShiftsAFlatFaceWithinItsRangeBothWays() {
        var jitter = PhotometricJitter()
        jitter.brightness = 0.15
        var generator = SeededGenerator(seed: 1)
        var shifts: [Float] = []
        for _ in 0..<200 {
            var values = Self.flat(0.5)
            jitter.apply(to: &values, side: Self.side, normalization: Self.unit, generator: &generator)
            #expect(values.allSatisfy { abs($0 - values[0]) < 1e-6 }, "a flat face stays flat")
            shifts.append(values[0] - 0.5)
        }
        #expect(shifts.allSatisfy { abs($0) <= 0.15 + 1e-6 })
        #expect(shifts.min()! < -0.1 && shifts.max()! > 0.1)
    }

    @Test func gammaStaysInsideItsRangeAndKeepsBlackAndWhite() {
        var jitter = PhotometricJitter()
        jitter.logGamma = 0.3
        var generator = SeededGenerator(seed: 2)
        for _ in 0..<100 {
            var values: [Float] = (0..<Self.side * Self.side).map { [0, 0.25, 1][$0 % 3] }
            jitter.apply(to: &values, side: Self.side, normalization: Self.unit, generator: &generator)
            #expect(abs(values[0]) < 1e-6 && abs(values[2] - 1) < 1e-5)
            let low = Double(pow(0.25, exp(0.3))), high = Double(pow(0.25, exp(-0.3)))
            #expect(Double(values[1]) >= low - 1e-5 && Double(values[1]) <= high + 1e-5)
        }
    }

    /// A single bright pixel blurred is the binomial kernel [1 2 1] x [1 2 1] / 16 (computed in Double).
    @Test func blurIsTheBinomialKernel() {
        var jitter = PhotometricJitter()
        jitter.blurProbability = 1
        var values = Self.flat(0)
        values[3 * Self.side + 4] = 1
        var generator = SeededGenerator(seed: 3)
        jitter.apply(to: &values, side: Self.side, normalization: Self.unit, generator: &generator)
        let taps: [Double] = [1, 2, 1]
        for y in 0..<Self.side {
            for x in 0..<Self.side {
                let (dy, dx) = (y - 3, x - 4)
                let expected = abs(dy) <= 1 && abs(dx) <= 1 ? taps[dy + 1] * taps[dx + 1] / 16 : 0
                #expect(abs(Double(values[y * Self.side + x]) - expected) < 1e-6, "(\(x), \(y))")
            }
        }
    }

    /// Checkpoints written before the jitter existed still load, without it; an active jitter round-trips.
    @Test func configurationsOldAndNewDecode() throws {
        var config = TrainingConfiguration()
        let plain = try JSONEncoder().encode(config)
        #expect(!String(decoding: plain, as: UTF8.self).contains("photometric"))
        #expect(try JSONDecoder().decode(TrainingConfiguration.self, from: plain).augmentation.photometric == .none)
        config.augmentation.photometric = .realPhotos
        let jittered = try JSONDecoder().decode(TrainingConfiguration.self, from: try JSONEncoder().encode(config))
        #expect(jittered.augmentation.photometric == .realPhotos)
    }
}
