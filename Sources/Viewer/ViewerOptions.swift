import Foundation
import Graphics
import Live

/// How the viewer is started (from the command line, or from the settings for a bare `emoscope`).
public struct ViewerOptions: Sendable {
    public var source: SourceSpec
    /// A FER2013-style folder for the dataset browser.
    public var dataRoot: String?
    public var fullscreen = false
    /// Window size in pixels; nil: from the settings.
    public var windowSize: (width: Int, height: Int)?
    /// Stop after this many seconds and return the measurements (the live benchmark).
    public var benchmarkSeconds: Double?
    /// Save the settings on exit (not for benchmarks and headless runs).
    public var persistSettings = true
    /// Where snapshots go; nil: `$XDG_PICTURES_DIR/Emoscope`.
    public var snapshotDirectory: URL?
    /// Where recordings go; nil: `$XDG_VIDEOS_DIR/Emoscope`.
    public var recordingDirectory: URL?
    /// Start recording at once (the live benchmark measures the cost of a recording this way).
    public var recordFromStart = false
    /// Start with the why view on, as y does (the live benchmark measures its cost this way).
    public var showWhy = false
    /// The SDL renderer: by what the machine has, or forced.
    public var renderer = RendererChoice.automatic
    /// Open straight into the dataset browser (of `dataRoot`) at this split, filter and order.
    public var browser: BrowserStart?
    /// A .ttf file to draw text with instead of DejaVu Sans.
    public var fontFile: String?
    /// Makes a face detector for the demo scene to choose faces the app can find (nil: every face is shown).
    public var demoDetector: (@Sendable () -> FaceDetecting?)?

    public init(source: SourceSpec, dataRoot: String? = nil) {
        self.source = source
        self.dataRoot = dataRoot
    }
}
