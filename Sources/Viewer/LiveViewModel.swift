import Expression
import Graphics
import Imaging
import Live

/// Everything one frame of the live screen shows; the app fills it each frame, the headless snapshot once.
public struct LiveViewModel {
    /// The picture shown: the latest result's own frame while analysis keeps up, else the newest captured one.
    public var frame: Frame?
    public var result: LiveResult? {
        didSet { largestFaceID = Self.largest(of: faces, keeping: largestFaceID) }
    }
    public var sourceDescription: String
    public var captureState: CaptureState = .running
    public var modelName: String?
    /// How the model reads each face (its test-time views, or how many of them the machine keeps up with),
    /// under its name in the panel.
    public var modelViews: String?
    public var selectedFaceID: Int?
    public var mirrored = false
    public var showPanel = true
    public var showHelp = false
    public var showDebug = false
    /// Frame rates and latency mean nothing in a headless snapshot of one picture.
    public var showPerformance = true
    public var paused = false
    /// Whether probabilities are smoothed over time; nil for a still picture, which has no time.
    public var smoothing: Bool? = true
    /// Whether faces are read against their own usual face; nil for a still picture.
    public var adaptation: Bool? = true
    public var toast: String?
    public var renderFPS: Double = 0
    public var captureFPS: Double = 0
    public var inferenceFPS: Double = 0
    public var faceRate: Double = 0
    public var latencyMilliseconds: Double?
    public var droppedFrames = 0
    /// How much older the result's frame is than the picture shown (0 when they are the same frame).
    public var resultAge: Double = 0
    /// Older results are not drawn over the picture: their boxes would sit where faces were, not where they are.
    public static let maximumResultAge = 0.5
    public var rendererName = ""
    /// The timeline under the bars: on or off, the followed face's recent probabilities, and whether its
    /// track has ended (the chart then stops and says so).
    public var showTimeline = true
    public var timeline = Timeline()
    /// Seconds since recording started, while recording.
    public var recordingSeconds: Double?

    public struct Timeline {
        public var track: Int?
        public var samples: [FaceHistory.Sample] = []
        public var ended = false
        /// The time the chart's right edge stands for.
        public var now = 0.0
        public var window = 30.0
        public init() {}
    }

    public init(sourceDescription: String) { self.sourceDescription = sourceDescription }

    /// The faces of the latest result, or none.
    public var faces: [TrackedFace] { result?.faces ?? [] }

    /// The face whose probabilities the panel shows: the selected one if still in view, else the largest.
    public var panelFace: TrackedFace? {
        if let id = selectedFaceID, let face = faces.first(where: { $0.id == id }) { return face }
        return faces.first { $0.id == largestFaceID } ?? faces.max { $0.box.area < $1.box.area }
    }

    /// The largest face, kept until another is clearly larger: two faces of about one size would otherwise
    /// take turns in the panel, its timeline and its why map from frame to frame.
    private var largestFaceID: Int?
    static let largestFaceMargin = 1.25

    static func largest(of faces: [TrackedFace], keeping current: Int?) -> Int? {
        guard let largest = faces.max(by: { $0.box.area < $1.box.area }) else { return nil }
        if let current, let kept = faces.first(where: { $0.id == current }),
           Double(kept.box.area) * largestFaceMargin >= Double(largest.box.area) { return current }
        return largest.id
    }
}

/// A face as it was drawn: for click hit-testing and for the snapshot's JSON (which must match the picture).
public struct DrawnFace: Sendable, Equatable {
    public let face: TrackedFace
    /// Where the box was drawn on screen.
    public let screenBox: PixelRect
    /// The label text as drawn ("Happy 87%"), or nil when there is no classifier.
    public let label: String?
}
