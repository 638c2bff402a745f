import Expression
import Imaging

/// One analysed frame as it travels to the screen: the frame itself, the faces found in it with their IDs
/// and probabilities, and timings. The frame and its faces travel together, so boxes always sit on the
/// picture they were found in.
public struct LiveResult: Sendable {
    public let frame: Frame
    public let finishedAt: Double
    public let faces: [TrackedFace]
    /// Faces classified for this frame (0 without a model).
    public let classified: Int
    public let detectSeconds: Double
    public let classifySeconds: Double
    /// The views each face was classified with (the live view may use fewer than the model's to keep up).
    public let views: TestTimeAugmentation?

    public init(frame: Frame, finishedAt: Double, faces: [TrackedFace], classified: Int = 0,
                detectSeconds: Double, classifySeconds: Double, views: TestTimeAugmentation? = nil) {
        self.frame = frame
        self.finishedAt = finishedAt
        self.faces = faces
        self.classified = classified
        self.detectSeconds = detectSeconds
        self.classifySeconds = classifySeconds
        self.views = views
    }

    public var frameSequence: Int { frame.sequence }
    public var capturedAt: Double { frame.capturedAt }
    public var frameSize: Size { Size(width: frame.image.width, height: frame.image.height) }
}
