import Imaging
import Expression

/// A face as the screen shows it: a stable identity across frames, its box in frame pixels, and its
/// emotion probabilities (smoothed over time when smoothing is on).
public struct TrackedFace: Sendable, Equatable, Codable {
    public let id: Int
    public var box: PixelRect
    /// Probabilities in `Emotion.allCases` order; empty when no classifier is loaded.
    public var probabilities: [Float]
    /// How many detection rounds in a row this face was not found (0: found in the latest frame).
    public var missed: Int
    /// How many times this face has been classified so far.
    public var classifications: Int
    /// Whether its probabilities are read against its own usual face (see `PersonalBaseline`), which
    /// takes a few seconds of the face in view; false while that is being learned, or with adaptation off.
    public var adapted = false

    public init(id: Int, box: PixelRect, probabilities: [Float], missed: Int = 0, classifications: Int = 0) {
        self.id = id
        self.box = box
        self.probabilities = probabilities
        self.missed = missed
        self.classifications = classifications
    }

    /// The most probable emotion, or nil without probabilities.
    public var emotion: Emotion? { Emotion.mostProbable(probabilities) }

    public var confidence: Float { emotion.map { probabilities[$0.rawValue] } ?? 0 }
}
