import Imaging

/// A heat map (values 0...1 over a picture) drawn over that picture: transparent where the value is low,
/// through red to yellow where it is high, so the picture stays readable under the weak parts.
public enum HeatOverlay {
    /// The colour of heat `t` (0...1): a perceptually rising ramp, dark red to orange to pale yellow.
    public static func color(_ t: Float) -> Color {
        let stops: [(Float, Color)] = [
            (0, Color(hex: 0x3B0F70)), (0.35, Color(hex: 0xB63679)), (0.65, Color(hex: 0xFB8861)), (1, Color(hex: 0xFCFDBF)),
        ]
        let v = t.isFinite ? min(max(t, 0), 1) : 0
        for i in 1..<stops.count where v <= stops[i].0 {
            let (t0, c0) = stops[i - 1], (t1, c1) = stops[i]
            return c0.mixed(with: c1, amount: Double((v - t0) / (t1 - t0)))
        }
        return stops[stops.count - 1].1
    }

    /// `heat` (side·side values, row-major) as a BGRA layer of that size whose alpha rises with the heat
    /// (up to `opacity`), for drawing stretched over the picture it explains.
    public static func layer(_ heat: [Float], side: Int, opacity: Float = 0.75) -> BGRAImage {
        precondition(heat.count == side * side, "HeatOverlay.layer: \(heat.count) values for \(side)x\(side)")
        var pixels = [UInt8](repeating: 0, count: side * side * 4)
        for (i, t) in heat.enumerated() {
            let c = color(t)
            let v = t.isFinite ? min(max(t, 0), 1) : 0
            pixels[4 * i] = c.b; pixels[4 * i + 1] = c.g; pixels[4 * i + 2] = c.r
            // Weak evidence stays see-through: alpha grows with the heat.
            pixels[4 * i + 3] = UInt8((opacity * v * 255).rounded())
        }
        return BGRAImage(width: side, height: side, pixels: pixels)
    }

    /// The gray picture with the heat blended over it, at `scale` times its size (nearest for the picture's
    /// pixels and for the heat, which is smooth already at its own side): what `emoscope explain` writes.
    public static func blended(_ picture: GrayImage, heat: [Float], side: Int, scale: Int, opacity: Float = 0.75) -> BGRAImage {
        let width = picture.width * scale, height = picture.height * scale
        var pixels = [UInt8](repeating: 255, count: width * height * 4)
        for y in 0..<height {
            let hy = min(side - 1, y * side / height)
            for x in 0..<width {
                let gray = Float(picture.pixels[(y / scale) * picture.width + x / scale])
                let t = heat[hy * side + min(side - 1, x * side / width)]
                let v = t.isFinite ? min(max(t, 0), 1) : 0
                let a = opacity * v
                let c = color(v)
                let o = 4 * (y * width + x)
                pixels[o] = UInt8((gray * (1 - a) + Float(c.b) * a).rounded())
                pixels[o + 1] = UInt8((gray * (1 - a) + Float(c.g) * a).rounded())
                pixels[o + 2] = UInt8((gray * (1 - a) + Float(c.r) * a).rounded())
            }
        }
        return BGRAImage(width: width, height: height, pixels: pixels)
    }
}
