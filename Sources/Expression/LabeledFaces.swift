import Imaging

/// Faces of one split, ready for training: 48x48 gray pixels packed face after face, with labels and origins.
public struct LabeledFaces: Sendable, Equatable {
    /// Width and height of every face, as in FER2013.
    public static let side = 48
    /// Bytes per face.
    public static let faceSize = side * side

    /// `count * side * side` bytes, row-major within each face.
    public var pixels: [UInt8]
    public var labels: [Emotion]
    /// Where each face came from: a file path, or `fer2013.csv:LINE` for the CSV.
    public var paths: [String]

    public var count: Int { labels.count }
    public var isEmpty: Bool { labels.isEmpty }

    public init(pixels: [UInt8] = [], labels: [Emotion] = [], paths: [String] = []) {
        precondition(pixels.count == labels.count * Self.faceSize && paths.count == labels.count,
                     "LabeledFaces: \(pixels.count) bytes, \(labels.count) labels, \(paths.count) paths")
        self.pixels = pixels
        self.labels = labels
        self.paths = paths
    }

    /// Face `i` as an image.
    public func face(_ i: Int) -> GrayImage {
        let start = i * Self.faceSize
        return GrayImage(width: Self.side, height: Self.side, pixels: Array(pixels[start..<(start + Self.faceSize)]))
    }

    /// The raw bytes of face `i`, without copying.
    public func facePixels(_ i: Int) -> ArraySlice<UInt8> {
        pixels[(i * Self.faceSize)..<((i + 1) * Self.faceSize)]
    }

    /// The faces at `indices`, in that order (repeats allowed).
    public func subset<S: Sequence>(_ indices: S) -> LabeledFaces where S.Element == Int {
        var result = LabeledFaces()
        result.pixels.reserveCapacity(indices.underestimatedCount * Self.faceSize)
        for i in indices { result.append(facePixels(i), label: labels[i], path: paths[i]) }
        return result
    }

    /// Adds one 48x48 face.
    public mutating func append<C: Collection>(_ face: C, label: Emotion, path: String) where C.Element == UInt8 {
        precondition(face.count == Self.faceSize, "LabeledFaces.append: a face has \(Self.faceSize) bytes")
        pixels.append(contentsOf: face)
        labels.append(label)
        paths.append(path)
    }

    /// How many faces each emotion has, indexed by `Emotion.rawValue`.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: Emotion.allCases.count)
        for label in labels { counts[label.rawValue] += 1 }
        return counts
    }
}
