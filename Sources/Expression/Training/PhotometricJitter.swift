import NeuralNet
#if canImport(Glibc)
import Glibc
#endif

/// Training augmentation for what differs in real photos from FER2013's crops: exposure (gamma),
/// contrast, brightness and focus (a light blur). Works on an already resampled, normalised face; every
/// draw comes from the generator passed in, and a switched-off jitter draws nothing, so runs without it
/// (and their checkpoints) stay exactly as they were.
public struct PhotometricJitter: Sendable, Equatable, Codable {
    /// Largest brightness shift, as a fraction of the 0–255 range, either way.
    public var brightness: Float = 0
    /// Largest contrast change about the face's mean (0.3 = 70 %…130 %).
    public var contrast: Float = 0
    /// Largest log-gamma either way (0.3 = gamma 0.74…1.35).
    public var logGamma: Float = 0
    /// Probability of a 3x3 binomial blur.
    public var blurProbability: Float = 0

    public init() {}

    public static let none = PhotometricJitter()

    /// The amounts `emoscope train --photometric` uses.
    public static let realPhotos: PhotometricJitter = {
        var j = PhotometricJitter()
        j.brightness = 0.15; j.contrast = 0.3; j.logGamma = 0.3; j.blurProbability = 0.25
        return j
    }()

    public var isActive: Bool { brightness > 0 || contrast > 0 || logGamma > 0 || blurProbability > 0 }

    /// Jitters the `side`x`side` face in `values` (normalised by `normalization`) in place.
    public func apply(to values: UnsafeMutablePointer<Float>, side: Int, normalization: InputNormalization,
                      generator: inout SeededGenerator) {
        guard isActive else { return }
        let gamma = expf(logGamma * (2 * generator.nextUnit() - 1))
        let gain = 1 + contrast * (2 * generator.nextUnit() - 1)
        let shift = brightness * (2 * generator.nextUnit() - 1)
        let blurs = generator.nextUnit() < blurProbability
        let area = side * side
        let (scale, offset) = (normalization.scale, normalization.offset)
        // Back to 0…1 pixels, gamma, then contrast about the mean and the brightness shift.
        var mean: Float = 0
        for i in 0..<area {
            let unit = min(max((values[i] - offset) / scale / 255, 0), 1)
            values[i] = powf(unit, gamma)
            mean += values[i]
        }
        mean /= Float(area)
        for i in 0..<area { values[i] = (values[i] - mean) * gain + mean + shift }
        if blurs { Self.blur(values, side: side) }
        for i in 0..<area { values[i] = min(max(values[i], 0), 1) * 255 * scale + offset }
    }

    /// A separable [1 2 1]/4 blur with edges replicated.
    static func blur(_ values: UnsafeMutablePointer<Float>, side: Int) {
        var row = [Float](repeating: 0, count: side)
        for y in 0..<side {
            let line = values + y * side
            for x in 0..<side { row[x] = (line[max(x - 1, 0)] + 2 * line[x] + line[min(x + 1, side - 1)]) / 4 }
            for x in 0..<side { line[x] = row[x] }
        }
        for x in 0..<side {
            for y in 0..<side {
                row[y] = (values[max(y - 1, 0) * side + x] + 2 * values[y * side + x] + values[min(y + 1, side - 1) * side + x]) / 4
            }
            for y in 0..<side { values[y * side + x] = row[y] }
        }
    }
}
