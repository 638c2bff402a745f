import Foundation

/// How the viewer is started (from the command line, or from the settings for a bare `emoscope`).
public struct ViewerOptions: Sendable {
    public var source: SourceSpec
    /// A FER2013-style folder for the dataset browser and the demo scene.
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

    public init(source: SourceSpec, dataRoot: String? = nil) {
        self.source = source
        self.dataRoot = dataRoot
    }

    /// The dataset folder next to the repository (`../shared/fer2013` from the working directory or the
    /// executable's repository) when there is one: the default for the browser and the demo.
    public static func defaultDataRoot() -> String? {
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(url)
            url = url.deletingLastPathComponent()
        }
        for base in candidates {
            let root = base.deletingLastPathComponent().appendingPathComponent("shared/fer2013")
            if FileManager.default.fileExists(atPath: root.path) { return root.standardizedFileURL.path }
        }
        return nil
    }
}
