import Imaging
import Live
import Foundation
import NeuralNet

/// The freedesktop.org places for user files: where settings and snapshots go.
public struct XDGDirectories: Sendable {
    public let environment: [String: String]
    public let home: URL

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        home = URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory())
    }

    /// `$XDG_CONFIG_HOME/emoscope`, else `~/.config/emoscope`.
    public var configDirectory: URL {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : nil }
            ?? home.appendingPathComponent(".config")
        return base.appendingPathComponent("emoscope")
    }

    /// The user's pictures folder: XDG_PICTURES_DIR from the environment or from `user-dirs.dirs`
    /// (as xdg-user-dirs writes it, e.g. `XDG_PICTURES_DIR="$HOME/Bilder"`), else `~/Pictures`.
    public var picturesDirectory: URL { userDirectory("XDG_PICTURES_DIR", fallback: "Pictures") }

    /// The user's videos folder, found the same way (`XDG_VIDEOS_DIR`, else `~/Videos`).
    public var videosDirectory: URL { userDirectory("XDG_VIDEOS_DIR", fallback: "Videos") }

    /// Snapshots go to `Emoscope/` inside the pictures folder.
    public var snapshotDirectory: URL { picturesDirectory.appendingPathComponent("Emoscope") }

    /// Recordings go to `Emoscope/` inside the videos folder.
    public var recordingDirectory: URL { videosDirectory.appendingPathComponent("Emoscope") }

    private func userDirectory(_ name: String, fallback: String) -> URL {
        if let value = environment[name], value.hasPrefix("/") { return URL(fileURLWithPath: value) }
        let configBase = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : nil }
            ?? home.appendingPathComponent(".config")
        let file = configBase.appendingPathComponent("user-dirs.dirs")
        if let data = try? RegularFile.read(file.path, limit: 1 << 20), case let text = String(decoding: data, as: UTF8.self),
           let path = XDGDirectories.parseUserDir(name, in: text, home: home.path) {
            return URL(fileURLWithPath: path)
        }
        return home.appendingPathComponent(fallback)
    }

    /// Reads one `NAME="value"` line of user-dirs.dirs; `$HOME` is the only variable the format allows.
    static func parseUserDir(_ name: String, in text: String, home: String) -> String? {
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.hasPrefix("#"), line.hasPrefix(name + "=") else { continue }
            var value = String(line.dropFirst(name.count + 1))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            value = value.replacingOccurrences(of: "$HOME", with: home)
            // A value equal to $HOME means "disabled" in the spec; fall back to ~/Pictures then.
            guard value.hasPrefix("/"), value != home, value != home + "/" else { return nil }
            return value
        }
        return nil
    }
}
