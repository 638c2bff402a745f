/// How `FaceDetector` searches an image. Sizes are in the caller's image pixels.
public struct FaceDetectionOptions: Sendable, Equatable {
    /// Step between the cascade's window sizes: 1.1 finds more faces, 1.3 is about twice as fast.
    public var scaleFactor: Double
    /// Overlapping hits needed to accept a face: higher means fewer false faces and more missed ones.
    public var minNeighbors: Int
    /// Smallest face reported (width and height, in image pixels).
    public var minimumFaceSize: Int
    /// Largest face reported; 0 for no limit.
    public var maximumFaceSize: Int
    /// Detection runs on a copy scaled by this factor (0.5 halves a 640x480 frame and runs about 4x faster;
    /// above 1 enlarges tiny crops); boxes are mapped back to the caller's coordinates.
    public var detectionScale: Double
    /// Replicated border added around the scaled copy, so faces that fill the whole image can still be found.
    public var padding: Int

    public init(scaleFactor: Double = 1.1, minNeighbors: Int = 5, minimumFaceSize: Int = 30,
                maximumFaceSize: Int = 0, detectionScale: Double = 1, padding: Int = 0) {
        self.scaleFactor = scaleFactor
        self.minNeighbors = minNeighbors
        self.minimumFaceSize = minimumFaceSize
        self.maximumFaceSize = maximumFaceSize
        self.detectionScale = detectionScale
        self.padding = padding
    }

    /// For a crop that is (nearly) all face, such as a 48x48 FER2013 image: enlarged so its longer side is
    /// 192 px, with a 32 px border (PLATFORM.md: without them the cascade finds far fewer of these faces).
    public static func crop(width: Int, height: Int) -> FaceDetectionOptions {
        let scale = 192 / Double(max(1, max(width, height)))
        return FaceDetectionOptions(scaleFactor: 1.1, minNeighbors: 5,
                                    minimumFaceSize: max(1, Int((Double(min(width, height)) / 3).rounded())),
                                    detectionScale: scale, padding: 32)
    }
}
