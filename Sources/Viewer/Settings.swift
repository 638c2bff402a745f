import Imaging
import Live
import Foundation
import NeuralNet

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
    /// Read each face against its own usual face (`a`).
    public var adaptation = true
    /// Recordings (`r`) also write the annotated video as shown.
    public var recordsVideo = false

    public init() {}

    enum CodingKeys: String, CodingKey {
        case lastSource, lastDataRoot, showPanel, windowWidth, windowHeight, mirrored, smoothing, adaptation, recordsVideo
    }

    /// Keys missing from an older file keep their defaults, so a new setting never resets the others.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Settings()
        lastSource = try c.decodeIfPresent(SourceSpec.self, forKey: .lastSource)
        lastDataRoot = try c.decodeIfPresent(String.self, forKey: .lastDataRoot)
        showPanel = try c.decodeIfPresent(Bool.self, forKey: .showPanel) ?? defaults.showPanel
        windowWidth = try c.decodeIfPresent(Int.self, forKey: .windowWidth) ?? defaults.windowWidth
        windowHeight = try c.decodeIfPresent(Int.self, forKey: .windowHeight) ?? defaults.windowHeight
        mirrored = try c.decodeIfPresent(Bool.self, forKey: .mirrored) ?? defaults.mirrored
        smoothing = try c.decodeIfPresent(Bool.self, forKey: .smoothing) ?? defaults.smoothing
        adaptation = try c.decodeIfPresent(Bool.self, forKey: .adaptation) ?? defaults.adaptation
        recordsVideo = try c.decodeIfPresent(Bool.self, forKey: .recordsVideo) ?? defaults.recordsVideo
    }

    public static func file(in directories: XDGDirectories = XDGDirectories()) -> URL {
        directories.configDirectory.appendingPathComponent("settings.json")
    }

    /// The saved settings, or the defaults when there are none. A damaged file is reported and ignored
    /// (settings are a convenience; they must never keep the app from starting).
    public static func load(from url: URL = Settings.file()) -> (Settings, warning: String?) {
        guard FileManager.default.fileExists(atPath: url.path) else { return (Settings(), nil) }
        // Read like any file from outside: a named pipe or a device there must not keep the app from starting.
        let data: Data
        do throws(RegularFile.Problem) { data = try RegularFile.read(url.path, limit: 1 << 20) } catch {
            return (Settings(), "Ignoring the settings file \(url.path): it \(error.description)")
        }
        do {
            return (try JSONDecoder().decode(Settings.self, from: data), nil)
        } catch {
            return (Settings(), "Ignoring damaged settings file \(url.path): \(DecodingProblem.describe(error))")
        }
    }

    /// Writes atomically (`AtomicFile`), creating the folder.
    public func save(to url: URL = Settings.file()) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = try encoder.encode(self)
        do throws(RegularFile.Problem) { try AtomicFile.write(json, to: url) } catch {
            throw RegularFile.Problem("\(url.path) \(error.description)")
        }
    }
}
