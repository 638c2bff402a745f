/// An axis-aligned face box in pixel coordinates: from (x, y) to (x + width, y + height), exclusive.
public struct FaceRect: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
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
    public var area: Int { max(0, width) * max(0, height) }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var center: (x: Double, y: Double) { (Double(x) + Double(width) / 2, Double(y) + Double(height) / 2) }

    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }

    /// The overlap of two boxes (empty, at zero size, when they do not meet).
    public func intersection(_ other: FaceRect) -> FaceRect {
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(maxX, other.maxX), bottom = min(maxY, other.maxY)
        return FaceRect(x: left, y: top, width: max(0, right - left), height: max(0, bottom - top))
    }

    /// Intersection over union, 0...1; the tracker's measure of "the same face as last frame".
    public func iou(_ other: FaceRect) -> Double {
        let overlap = intersection(other).area
        let union = area + other.area - overlap
        return union > 0 ? Double(overlap) / Double(union) : 0
    }

    public func offsetBy(dx: Int, dy: Int) -> FaceRect {
        FaceRect(x: x + dx, y: y + dy, width: width, height: height)
    }

    /// Maps the box between image sizes (e.g. from a downscaled detection frame back to the full frame):
    /// edges are scaled and rounded, so a box touching an image border still touches it afterwards.
    public func scaled(x sx: Double, y sy: Double) -> FaceRect {
        let left = Int((Double(x) * sx).rounded()), top = Int((Double(y) * sy).rounded())
        let right = Int((Double(maxX) * sx).rounded()), bottom = Int((Double(maxY) * sy).rounded())
        return FaceRect(x: left, y: top, width: right - left, height: bottom - top)
    }

    public func scaled(by factor: Double) -> FaceRect { scaled(x: factor, y: factor) }

    /// Grows (or, with a negative fraction, shrinks) each side by `fraction` of the box's size.
    public func expanded(by fraction: Double) -> FaceRect {
        let dx = Int((Double(width) * fraction).rounded()), dy = Int((Double(height) * fraction).rounded())
        return FaceRect(x: x - dx, y: y - dy, width: width + 2 * dx, height: height + 2 * dy)
    }

    /// The part of the box inside a `width` x `height` image.
    public func clamped(toWidth imageWidth: Int, height imageHeight: Int) -> FaceRect {
        intersection(FaceRect(x: 0, y: 0, width: imageWidth, height: imageHeight))
    }

    public var description: String { "(\(x), \(y)) \(width)x\(height)" }
}
