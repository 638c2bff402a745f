import Imaging

/// Where the classifier's square crop lies around a detected face box. FER2013's faces were cut wider than
/// OpenCV's Haar box (forehead, chin and cheeks are in the picture), so classifying the bare Haar box shows
/// the network a tighter, differently placed face than it learned from. `emoscope data framing` measures
/// the framing of a dataset's crops; the live view, snapshots and `eval --detect` use the same framing.
public struct FaceFraming: Sendable, Equatable, Codable {
    /// Side of the crop over the box's width.
    public var scale: Double
    /// Centre of the crop below the box's centre, as a fraction of the box's height.
    public var centerOffsetY: Double

    public init(scale: Double, centerOffsetY: Double = 0) {
        self.scale = scale
        self.centerOffsetY = centerOffsetY
    }

    /// The Haar box itself: what the app classified before framing was measured.
    public static let detectorBox = FaceFraming(scale: 1)

    /// The square crop for a face found at `box` (it may reach beyond the image; `crop` replicates the edges).
    public func region(for box: PixelRect) -> PixelRect {
        let side = Double(box.width) * scale
        let centerX = Double(box.x) + Double(box.width) / 2
        let centerY = Double(box.y) + Double(box.height) / 2 + centerOffsetY * Double(box.height)
        let s = max(1, Int(side.rounded()))
        return PixelRect(x: Int((centerX - side / 2).rounded()), y: Int((centerY - side / 2).rounded()), width: s, height: s)
    }

    /// The face to classify: the framed region of `image`, edges replicated where it reaches outside.
    public func crop(_ image: GrayImage, box: PixelRect) -> GrayImage {
        image.extracting(region(for: box))
    }

    /// The framing that reproduces a dataset's crops: from the Haar boxes found in crops of `cropSide` pixels
    /// (median box width and centre), the crop that box would need around it.
    public static func measured(boxes: [PixelRect], cropSide: Int) -> FaceFraming? {
        guard !boxes.isEmpty, cropSide > 0 else { return nil }
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        let width = median(boxes.map { Double($0.width) })
        let centerY = median(boxes.map { Double($0.y) + Double($0.height) / 2 })
        guard width > 0 else { return nil }
        return FaceFraming(scale: Double(cropSide) / width, centerOffsetY: (Double(cropSide) / 2 - centerY) / width)
    }
}
