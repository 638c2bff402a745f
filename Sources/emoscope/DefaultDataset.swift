import Expression
import Foundation

/// The FER2013 folders kept beside the repository (../shared/fer2013), for demos and benchmarks.
enum DefaultDataset {
    static func locate() throws -> URL {
        var tried: [String] = []
        if let override = ProcessInfo.processInfo.environment["EMOSCOPE_FER2013"] { tried.append(override) }
        for resources in ResourceLocator.candidates {
            tried.append(resources.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/fer2013").path)
        }
        if let found = tried.first(where: { FileManager.default.fileExists(atPath: $0 + "/train") }) {
            return URL(fileURLWithPath: found)
        }
        throw ValidationErrorText("no FER2013 folder found (give one with --data); looked in:\n"
                                  + tried.map { "  \($0)" }.joined(separator: "\n"))
    }
}
