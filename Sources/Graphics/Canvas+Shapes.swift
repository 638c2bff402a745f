import Imaging
import CSDL2

extension Canvas {
    /// A filled ellipse inside `rect`, drawn as one span per row (SDL2 has no ellipse primitive).
    public func fillEllipse(in rect: PixelRect, _ color: Color) {
        guard !rect.isEmpty else { return }
        let rx = Double(rect.width) / 2, ry = Double(rect.height) / 2
        let cx = Double(rect.x) + rx, cy = Double(rect.y) + ry
        var spans: [SDL_Rect] = []
        spans.reserveCapacity(rect.height)
        for row in 0..<rect.height {
            let dy = (Double(rect.y + row) + 0.5 - cy) / ry
            guard abs(dy) <= 1 else { continue }
            let half = rx * (1 - dy * dy).squareRoot()
            let left = Int((cx - half).rounded()), right = Int((cx + half).rounded())
            if right > left { spans.append(SDL_Rect(x: Int32(left), y: Int32(rect.y + row), w: Int32(right - left), h: 1)) }
        }
        SDL_SetRenderDrawColor(renderer, color.r, color.g, color.b, color.a)
        _ = spans.withUnsafeBufferPointer { SDL_RenderFillRects(renderer, $0.baseAddress, Int32($0.count)) }
    }

    /// A filled rectangle with corners rounded to `radius`.
    public func fillRoundedRect(_ rect: PixelRect, radius: Int, _ color: Color) {
        let r = max(0, min(radius, rect.width / 2, rect.height / 2))
        guard r > 0 else { fill(rect, color); return }
        var spans: [SDL_Rect] = []
        for row in 0..<rect.height {
            let fromEdge = min(row, rect.height - 1 - row)
            var inset = 0
            if fromEdge < r {
                let dy = Double(r - fromEdge) - 0.5
                inset = Int((Double(r) - (Double(r * r) - dy * dy).squareRoot()).rounded())
            }
            spans.append(SDL_Rect(x: Int32(rect.x + inset), y: Int32(rect.y + row), w: Int32(rect.width - 2 * inset), h: 1))
        }
        SDL_SetRenderDrawColor(renderer, color.r, color.g, color.b, color.a)
        _ = spans.withUnsafeBufferPointer { SDL_RenderFillRects(renderer, $0.baseAddress, Int32($0.count)) }
    }
}
