import NeuralNet
#if canImport(Glibc)
import Glibc
#endif

/// On-the-fly training augmentation of 48x48 faces: horizontal flip, shift, small rotation and zoom in one
/// bilinear affine resampling (edges replicated), then random erasing. Each part can be switched off.
/// Every draw comes from the generator passed in, so a seed fixes the result.
public struct Augmentation: Sendable, Equatable {
    public var flip = true
    /// Largest shift as a fraction of the side (0.1 = ±4.8 px).
    public var maxShift: Float = 0.1
    /// Largest rotation in degrees either way.
    public var maxRotationDegrees: Float = 10
    /// Largest zoom either way (0.1 = 90 %…110 %).
    public var maxZoom: Float = 0.1
    /// Probability of erasing one random rectangle (2–20 % of the area) with noise.
    public var erasingProbability: Float = 0.5
    /// Exposure, contrast, brightness and blur, as real photos differ (off unless asked for).
    public var photometric = PhotometricJitter.none

    public init() {}

    /// No augmentation at all: the identity.
    public static let none: Augmentation = {
        var a = Augmentation()
        a.flip = false; a.maxShift = 0; a.maxRotationDegrees = 0; a.maxZoom = 0; a.erasingProbability = 0
        return a
    }()

    /// Mirrors a side x side face left to right.
    public static func mirror(_ face: [UInt8], side: Int) -> [UInt8] {
        var result = face
        for y in 0..<side { for x in 0..<side { result[y * side + x] = face[y * side + side - 1 - x] } }
        return result
    }

    /// Writes the augmented `side`x`side` face as normalised floats into `output`.
    public func apply(_ face: UnsafePointer<UInt8>, side: Int, normalization: InputNormalization,
                      generator: inout SeededGenerator, into output: UnsafeMutablePointer<Float>) {
        let flipped = flip && generator.nextUnit() < 0.5
        let angle = maxRotationDegrees * (2 * generator.nextUnit() - 1) * Float.pi / 180
        let zoom = 1 + maxZoom * (2 * generator.nextUnit() - 1)
        let shiftX = maxShift * Float(side) * (2 * generator.nextUnit() - 1)
        let shiftY = maxShift * Float(side) * (2 * generator.nextUnit() - 1)
        Self.warp(face, side: side, flipped: flipped, angle: angle, zoom: zoom, shiftX: shiftX, shiftY: shiftY,
                  normalization: normalization, into: output)
        photometric.apply(to: output, side: side, normalization: normalization, generator: &generator)
        if erasingProbability > 0 && generator.nextUnit() < erasingProbability {
            let (scale, offset) = (normalization.scale, normalization.offset)
            let area = Float(side * side) * generator.uniform(0.02, 0.2)
            let aspect = expf(generator.uniform(logf(0.3), logf(3.3)))
            let h = min(side, max(1, Int((area * aspect).squareRoot())))
            let w = min(side, max(1, Int((area / aspect).squareRoot())))
            let top = Int(generator.nextUnit() * Float(side - h + 1))
            let left = Int(generator.nextUnit() * Float(side - w + 1))
            for y in top..<min(side, top + h) {
                for x in left..<min(side, left + w) {
                    output[y * side + x] = generator.uniform(0, 255) * scale + offset
                }
            }
        }
    }

    /// One bilinear affine resampling about the centre (edges replicated), mirrored first when `flipped`,
    /// normalised on the way out: the geometry both training augmentation and test-time views use.
    public static func warp(_ face: UnsafePointer<UInt8>, side: Int, flipped: Bool, angle: Float = 0, zoom: Float = 1,
                            shiftX: Float = 0, shiftY: Float = 0, normalization: InputNormalization,
                            into output: UnsafeMutablePointer<Float>) {
        let (scale, offset) = (normalization.scale, normalization.offset)
        if angle == 0 && zoom == 1 && shiftX == 0 && shiftY == 0 {
            for y in 0..<side {
                for x in 0..<side {
                    let sx = flipped ? side - 1 - x : x
                    output[y * side + x] = Float(face[y * side + sx]) * scale + offset
                }
            }
            return
        }
        // Inverse mapping: for each output pixel, where in the source it comes from.
        let centre = Float(side - 1) / 2
        let (c, s) = (cosf(angle) / zoom, sinf(angle) / zoom)
        let last = Float(side - 1)
        for y in 0..<side {
            for x in 0..<side {
                let u = Float(flipped ? side - 1 - x : x) - centre - shiftX
                let v = Float(y) - centre - shiftY
                let sx = min(max(c * u + s * v + centre, 0), last)
                let sy = min(max(-s * u + c * v + centre, 0), last)
                let x0 = Int(sx), y0 = Int(sy)
                let x1 = min(x0 + 1, side - 1), y1 = min(y0 + 1, side - 1)
                let fx = sx - Float(x0), fy = sy - Float(y0)
                let top = Float(face[y0 * side + x0]) * (1 - fx) + Float(face[y0 * side + x1]) * fx
                let bottom = Float(face[y1 * side + x0]) * (1 - fx) + Float(face[y1 * side + x1]) * fx
                output[y * side + x] = (top * (1 - fy) + bottom * fy) * scale + offset
            }
        }
    }
}
