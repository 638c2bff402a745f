import Imaging
import CSDL2

/// Curves and dots drawn antialiased: SDL's renderer draws hard-edged one-pixel lines, so they are drawn
/// `factor` times larger on a transparent offscreen canvas, averaged down (alpha-weighted) and laid over
/// the chart. Coordinates are the chart's, in fractional pixels.
public final class SmoothLayer {
    public let rect: PixelRect
    public let factor: Int
    private let canvas: Canvas

    public init(covering rect: PixelRect, factor: Int = 3) throws {
        self.rect = rect
        self.factor = factor
        canvas = try Canvas(offscreenWidth: max(1, rect.width * factor), height: max(1, rect.height * factor))
        canvas.clear(Color(r: 0, g: 0, b: 0, a: 0))
    }

    private func scaled(_ x: Double, _ y: Double) -> (Double, Double) {
        ((x - Double(rect.x)) * Double(factor), (y - Double(rect.y)) * Double(factor))
    }

    /// A line `width` pixels wide through `points`, with round joins and ends (a disc-shaped brush).
    public func polyline(_ points: [(x: Double, y: Double)], _ color: Color, width: Double) {
        guard points.count > 1 else { return }
        let big = points.map { scaled($0.x, $0.y) }
        let radius = width * Double(factor) / 2
        let reach = Int(radius.rounded(.up))
        SDL_SetRenderDrawColor(canvas.renderer, color.r, color.g, color.b, color.a)
        for dy in -reach...reach {
            for dx in -reach...reach where Double(dx * dx + dy * dy) <= radius * radius {
                let shifted = big.map { SDL_Point(x: Int32(($0.0 + Double(dx)).rounded()), y: Int32(($0.1 + Double(dy)).rounded())) }
                _ = shifted.withUnsafeBufferPointer { SDL_RenderDrawLines(canvas.renderer, $0.baseAddress, Int32($0.count)) }
            }
        }
    }

    /// A filled circle of `radius` pixels.
    public func dot(x: Double, y: Double, radius: Double, _ color: Color) {
        let (cx, cy) = scaled(x, y)
        let r = radius * Double(factor)
        canvas.fillEllipse(in: PixelRect(x: Int((cx - r).rounded()), y: Int((cy - r).rounded()),
                                    width: Int((2 * r).rounded()), height: Int((2 * r).rounded())), color)
    }

    /// Averages the layer down and draws it over `target` (blended, so the grid shows between curves).
    public func composite(onto target: Canvas) throws {
        let big = try canvas.readPixels()
        var small = BGRAImage(width: rect.width, height: rect.height, fill: Color(r: 0, g: 0, b: 0, a: 0))
        let f = factor, samples = factor * factor
        big.pixels.withUnsafeBufferPointer { src in
            small.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<rect.height {
                    for x in 0..<rect.width {
                        var a = 0, b = 0, g = 0, r = 0
                        for sy in 0..<f {
                            var i = ((y * f + sy) * big.width + x * f) * 4
                            for _ in 0..<f {
                                let alpha = Int(src[i + 3])
                                b += Int(src[i]) * alpha; g += Int(src[i + 1]) * alpha; r += Int(src[i + 2]) * alpha
                                a += alpha
                                i += 4
                            }
                        }
                        guard a > 0 else { continue }
                        let o = (y * rect.width + x) * 4
                        // Colour weighted by coverage, then un-weighted: edges keep the curve's hue.
                        dst[o] = UInt8((b + a / 2) / a); dst[o + 1] = UInt8((g + a / 2) / a); dst[o + 2] = UInt8((r + a / 2) / a)
                        dst[o + 3] = UInt8((a + samples / 2) / samples)
                    }
                }
            }
        }
        let texture = try target.makeTexture(from: small)
        SDL_SetTextureBlendMode(texture.handle, SDL_BLENDMODE_BLEND)
        target.draw(texture, in: rect)
    }
}
