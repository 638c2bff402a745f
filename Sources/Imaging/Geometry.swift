/// A pixel position: (0, 0) is the top-left, y grows downward.
public struct Point: Sendable, Hashable {
    public var x: Int, y: Int
    public init(x: Int, y: Int) { self.x = x; self.y = y }
}

/// A size in pixels.
public struct Size: Sendable, Hashable, Codable {
    public var width: Int, height: Int
    public init(width: Int, height: Int) { self.width = width; self.height = height }
}
