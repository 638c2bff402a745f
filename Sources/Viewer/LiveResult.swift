import Expression
import Graphics

/// What the inference worker found in one frame: the faces with their IDs and probabilities, plus timings.
public struct LiveResult: Sendable {
    public let frameSequence: Int
    public let capturedAt: Double
    public let finishedAt: Double
    public let frameSize: Size
    public let faces: [TrackedFace]
    public let detectSeconds: Double
    public let classifySeconds: Double

    public init(frameSequence: Int, capturedAt: Double, finishedAt: Double, frameSize: Size, faces: [TrackedFace],
                detectSeconds: Double, classifySeconds: Double) {
        self.frameSequence = frameSequence
        self.capturedAt = capturedAt
        self.finishedAt = finishedAt
        self.frameSize = frameSize
        self.faces = faces
        self.detectSeconds = detectSeconds
        self.classifySeconds = classifySeconds
    }
}
