import Imaging
import Live
import CSDL2
import Graphics

/// Emoscope's icon, drawn by our own code: a smiling face inside the corner marks of a detection box, on a
/// dark rounded tile. Resources/Icons/emoscope.svg is the same drawing by hand; the PNG there is rendered
/// from this code (`emoscope snapshot --icon FILE`), and the window icon comes from it too.
public enum AppIcon {
    public static func draw(on canvas: Canvas, size s: Int) {
        func u(_ v: Double) -> Int { Int((v * Double(s) / 256).rounded()) }
        canvas.clear(Color(r: 0, g: 0, b: 0, a: 0))
        canvas.fillRoundedRect(PixelRect(x: u(8), y: u(8), width: u(240), height: u(240)), radius: u(48), Theme.panel)
        // Detection-box corners, in the accent colour.
        let accent = Theme.accent, t = max(2, u(14)), l = u(52)
        let box = PixelRect(x: u(40), y: u(40), width: u(176), height: u(176))
        for (x, y, dx, dy) in [(box.x, box.y, 1, 1), (box.maxX, box.y, -1, 1), (box.x, box.maxY, 1, -1), (box.maxX, box.maxY, -1, -1)] {
            canvas.fill(PixelRect(x: dx > 0 ? x : x - l, y: dy > 0 ? y : y - t, width: l, height: t), accent)
            canvas.fill(PixelRect(x: dx > 0 ? x : x - t, y: dy > 0 ? y : y - l, width: t, height: l), accent)
        }
        // The face: happy yellow, dark eyes, a smile cut from two ellipses.
        let face = Theme.color(for: .happy), ink = Color(hex: 0x1B1E24)
        canvas.fillEllipse(in: PixelRect(x: u(68), y: u(68), width: u(120), height: u(120)), face)
        canvas.fillEllipse(in: PixelRect(x: u(98), y: u(100), width: u(16), height: u(22)), ink)
        canvas.fillEllipse(in: PixelRect(x: u(142), y: u(100), width: u(16), height: u(22)), ink)
        canvas.fillEllipse(in: PixelRect(x: u(92), y: u(118), width: u(72), height: u(48)), ink)
        canvas.fillEllipse(in: PixelRect(x: u(88), y: u(106), width: u(80), height: u(46)), face)
    }

    public static func image(size: Int) throws -> BGRAImage {
        let canvas = try Canvas(offscreenWidth: size, height: size)
        draw(on: canvas, size: size)
        return try canvas.readPixels()
    }

    /// The window icon as an SDL surface (caller frees), or nil when drawing fails (the icon is cosmetic).
    static func surface(size: Int = 64) -> UnsafeMutablePointer<SDL_Surface>? {
        guard let image = try? image(size: size),
              let surface = SDL_CreateRGBSurfaceWithFormat(0, Int32(size), Int32(size), 32, SDL_PIXELFORMAT_ARGB8888.rawValue)
        else { return nil }
        let pitch = Int(surface.pointee.pitch)
        image.pixels.withUnsafeBytes { src in
            for y in 0..<size {
                (surface.pointee.pixels! + y * pitch).copyMemory(from: src.baseAddress! + y * size * 4, byteCount: size * 4)
            }
        }
        return surface
    }
}
