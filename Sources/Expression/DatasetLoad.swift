import Imaging
import Foundation

/// A file of a dataset that could not be used, and why.
public struct SkippedFile: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// The result of loading one split: the faces, what was skipped, and how the load went.
public struct DatasetLoad: Sendable {
    public let split: String
    public let faces: LabeledFaces
    public let skipped: [SkippedFile]
    /// True when the faces came from the decoded-pixel cache instead of the image files.
    public let fromCache: Bool
    /// How many image files were decoded by this load (0 when served from the cache).
    public let decodedFiles: Int
    /// Wall-clock time of the load.
    public let seconds: Double
    /// Where the faces came from (the split folder or the CSV file).
    public let source: String
    /// Set when the decoded faces could not be cached (the load itself succeeded).
    public let cacheProblem: String?

    public init(split: String, faces: LabeledFaces, skipped: [SkippedFile], fromCache: Bool, decodedFiles: Int,
                seconds: Double, source: String, cacheProblem: String? = nil) {
        self.split = split
        self.faces = faces
        self.skipped = skipped
        self.fromCache = fromCache
        self.decodedFiles = decodedFiles
        self.seconds = seconds
        self.source = source
        self.cacheProblem = cacheProblem
    }

    /// One paragraph for people: counts per class, origin, time, and every skipped file with its reason.
    public var summary: String {
        let counts = zip(Emotion.allCases, faces.classCounts).map { "\($0.name) \($1)" }.joined(separator: ", ")
        let origin = fromCache ? "from the cache" : "decoding \(decodedFiles) images"
        var text = "\(split): \(faces.count) faces (\(counts)) from \(source), \(origin) in "
            + String(format: "%.2f s", seconds) + "."
        if let cacheProblem { text += " Note: \(cacheProblem)." }
        if skipped.isEmpty { return text }
        let shown = skipped.prefix(20).map(\.description).joined(separator: "; ")
        let more = skipped.count > 20 ? "; and \(skipped.count - 20) more" : ""
        text += " Skipped \(skipped.count) file\(skipped.count == 1 ? "" : "s") that could not be used: \(shown)\(more)."
        return text
    }
}
