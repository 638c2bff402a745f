#if canImport(Glibc)
import Glibc
#endif

/// An axis-aligned rectangle of pixels, from (x, y) to (x + width, y + height) exclusive, y growing downward.
/// The one rectangle of the program: face boxes in frame pixels, areas on screen, boxes in snapshot records.
public struct PixelRect: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var midX: Int { x + width / 2 }
    public var midY: Int { y + height / 2 }
    public var size: Size { Size(width: width, height: height) }
    public var area: Int { max(0, width) * max(0, height) }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var center: (x: Double, y: Double) { (Double(x) + Double(width) / 2, Double(y) + Double(height) / 2) }

    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }
    public func contains(_ point: Point) -> Bool { contains(x: point.x, y: point.y) }

    /// The overlap of two rectangles (empty, at zero size, when they do not meet).
    public func intersection(_ other: PixelRect) -> PixelRect {
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(maxX, other.maxX), bottom = min(maxY, other.maxY)
        return PixelRect(x: left, y: top, width: max(0, right - left), height: max(0, bottom - top))
    }

    /// Intersection over union, 0...1; the tracker's measure of "the same face as last frame".
    public func iou(_ other: PixelRect) -> Double {
        let overlap = intersection(other).area
        let union = area + other.area - overlap
        return union > 0 ? Double(overlap) / Double(union) : 0
    }

    public func offsetBy(dx: Int, dy: Int) -> PixelRect {
        PixelRect(x: x + dx, y: y + dy, width: width, height: height)
    }

    /// Maps the rectangle between image sizes (e.g. from a downscaled detection frame back to the full frame):
    /// edges are scaled and rounded, so a box touching an image border still touches it afterwards.
    public func scaled(x sx: Double, y sy: Double) -> PixelRect {
        let left = Int((Double(x) * sx).rounded()), top = Int((Double(y) * sy).rounded())
        let right = Int((Double(maxX) * sx).rounded()), bottom = Int((Double(maxY) * sy).rounded())
        return PixelRect(x: left, y: top, width: right - left, height: bottom - top)
    }

    public func scaled(by factor: Double) -> PixelRect { scaled(x: factor, y: factor) }

    /// Grows (or, with a negative fraction, shrinks) each side by `fraction` of the rectangle's size.
    public func expanded(by fraction: Double) -> PixelRect {
        let dx = Int((Double(width) * fraction).rounded()), dy = Int((Double(height) * fraction).rounded())
        return PixelRect(x: x - dx, y: y - dy, width: width + 2 * dx, height: height + 2 * dy)
    }

    /// Shrunk by `dx` on the left and right and `dy` on the top and bottom (never below zero size).
    public func insetBy(dx: Int, dy: Int) -> PixelRect {
        PixelRect(x: x + dx, y: y + dy, width: max(0, width - 2 * dx), height: max(0, height - 2 * dy))
    }

    /// The part of the rectangle inside a `width` x `height` image.
    public func clamped(toWidth imageWidth: Int, height imageHeight: Int) -> PixelRect {
        intersection(PixelRect(x: 0, y: 0, width: imageWidth, height: imageHeight))
    }

    /// The largest rectangle of `content`'s aspect ratio centred inside this one (letterboxing).
    public func aspectFit(_ content: Size) -> PixelRect {
        guard content.width > 0, content.height > 0, !isEmpty else { return PixelRect(x: x, y: y, width: 0, height: 0) }
        let scale = min(Double(width) / Double(content.width), Double(height) / Double(content.height))
        let w = Int((Double(content.width) * scale).rounded()), h = Int((Double(content.height) * scale).rounded())
        return PixelRect(x: x + (width - w) / 2, y: y + (height - h) / 2, width: w, height: h)
    }

    public var description: String { "(\(x), \(y)) \(width)x\(height)" }
}
