import Foundation

/// Finds Emoscope's `Resources/` folder (the shipped model, icons) in one place, in this order:
/// `override` (the executable passes `$EMOSCOPE_RESOURCES`); the installed copy beside the binary, `PREFIX/share/emoscope` for `PREFIX/bin/emoscope`
/// (`make install PREFIX=...`); `$XDG_DATA_HOME/emoscope`; the source tree, found by walking up from the
/// executable to the folder holding Package.swift (`swift run`, `make run`).
public struct ResourceLocator: Sendable {
    /// The shipped default model's file name inside `Resources/Models/`.
    public static let defaultModelName = "emoscope-compact.safetensors"

    /// A folder searched before all others (the user's `$EMOSCOPE_RESOURCES`, read by the executable).
    public let override: String?

    public init(override: String? = nil) { self.override = override }

    public var candidates: [URL] {
        var urls: [URL] = []
        if let override, !override.isEmpty { urls.append(URL(fileURLWithPath: override)) }
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        if let executable = Bundle.main.executableURL { folder = executable.resolvingSymlinksInPath().deletingLastPathComponent() }
        if folder.lastPathComponent == "bin" {
            urls.append(folder.deletingLastPathComponent().appendingPathComponent("share/emoscope"))
        }
        let dataHome = ProcessInfo.processInfo.environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() + "/.local/share")
        let installed = URL(fileURLWithPath: dataHome).appendingPathComponent("emoscope")
        if !urls.contains(where: { $0.standardizedFileURL == installed.standardizedFileURL }) { urls.append(installed) }
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                urls.append(folder.appendingPathComponent("Resources"))
                break
            }
            folder = folder.deletingLastPathComponent()
        }
        return urls
    }

    /// The first candidate holding `relativePath`, or an error listing every path tried.
    public func find(_ relativePath: String) throws -> URL {
        let tried = candidates.map { $0.appendingPathComponent(relativePath) }
        if let found = tried.first(where: { FileManager.default.fileExists(atPath: $0.path) }) { return found }
        throw ResourceError(name: relativePath, tried: tried.map(\.path))
    }

    public func defaultModel() throws -> URL { try find("Models/" + Self.defaultModelName) }
}

public struct ResourceError: Error, CustomStringConvertible {
    public let name: String
    public let tried: [String]
    public var description: String {
        "cannot find \(name); looked in:\n" + tried.map { "  \($0)" }.joined(separator: "\n")
            + "\n(set EMOSCOPE_RESOURCES to the folder holding Models/, or run `make install`)"
    }
}
