import Imaging
import Live
import Foundation

/// What the viewer remembers between runs, stored as JSON in `$XDG_CONFIG_HOME/emoscope/settings.json`.
public struct Settings: Codable, Equatable, Sendable {
    public var lastSource: SourceSpec?
    /// The dataset folder opened last, for the browser next time.
    public var lastDataRoot: String?
    public var showPanel = true
    public var windowWidth = 1280
    public var windowHeight = 720
    public var mirrored = false
    public var smoothing = true

    public init() {}

    public static func file(in directories: XDGDirectories = XDGDirectories()) -> URL {
        directories.configDirectory.appendingPathComponent("settings.json")
    }

    /// The saved settings, or the defaults when there are none. A damaged file is reported and ignored
    /// (settings are a convenience; they must never keep the app from starting).
    public static func load(from url: URL = Settings.file()) -> (Settings, warning: String?) {
        guard let data = try? Data(contentsOf: url) else { return (Settings(), nil) }
        do {
            return (try JSONDecoder().decode(Settings.self, from: data), nil)
        } catch {
            return (Settings(), "Ignoring damaged settings file \(url.path): \(error.localizedDescription)")
        }
    }

    /// Writes atomically, creating the folder.
    public func save(to url: URL = Settings.file()) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: url, options: .atomic)
    }
}
