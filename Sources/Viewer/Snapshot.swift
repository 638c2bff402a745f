import Imaging
import Live
import Expression
import Foundation
import Graphics

/// The JSON sidecar of a snapshot: what was on screen, face by face, in the frame's pixel coordinates.
public struct SnapshotRecord: Codable, Equatable, Sendable {
    public struct Face: Codable, Equatable, Sendable {
        public let trackID: Int
        /// In the captured frame's pixels.
        public let box: PixelRect
        /// Where it was drawn in the saved PNG.
        public let screenBox: PixelRect
        /// The label as drawn, e.g. "Happy 87%"; nil without a model.
        public let label: String?
        public let emotion: String?
        public let confidence: Float?
        /// Emotion name → probability (all seven), empty without a model.
        public let probabilities: [String: Float]
    }

    public let time: String
    public let source: String
    public let model: String?
    public let image: String
    public let imageWidth: Int
    public let imageHeight: Int
    public let frameWidth: Int?
    public let frameHeight: Int?
    public let mirrored: Bool
    /// What the screen said about the source when it had no picture (e.g. the camera is missing), else nil.
    public let status: String?
    public let faces: [Face]
    /// What the dataset browser showed, when the snapshot is of the browser.
    public var browser: BrowserSnapshot?

    public init(time: Date, source: String, model: String?, image: String, imageSize: Size, frameSize: Size?,
                mirrored: Bool, status: String? = nil, drawn: [DrawnFace]) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        self.time = formatter.string(from: time)
        self.source = source
        self.model = model
        self.image = image
        imageWidth = imageSize.width
        imageHeight = imageSize.height
        frameWidth = frameSize?.width
        frameHeight = frameSize?.height
        self.mirrored = mirrored
        self.status = status
        faces = drawn.map { d in
            let f = d.face
            var probabilities: [String: Float] = [:]
            if f.probabilities.count == Emotion.allCases.count {
                for e in Emotion.allCases { probabilities[e.name] = f.probabilities[e.rawValue] }
            }
            return Face(trackID: f.id, box: f.box, screenBox: d.screenBox,
                        label: d.label, emotion: f.emotion?.name, confidence: f.emotion == nil ? nil : f.confidence,
                        probabilities: probabilities)
        }
    }
}

public enum SnapshotError: Error, CustomStringConvertible {
    case cannotCreateFolder(String, String)
    case cannotWrite(String, String)

    public var description: String {
        switch self {
        case let .cannotCreateFolder(path, why): "cannot create snapshot folder \(path): \(why)"
        case let .cannotWrite(path, why): "cannot save snapshot \(path): \(why)"
        }
    }
}

/// Saves snapshots as `emoscope-YYYY-MM-DD-HHMMSS.png` (+ `.json`) in a folder, adding -2, -3, ... instead of
/// ever replacing a file. Each file is written under a temporary name and then hard-linked into place:
/// `link` fails when the name exists, so even two writers racing for one name cannot overwrite each other,
/// and no reader sees half a file.
public struct SnapshotWriter: Sendable {
    public let directory: URL

    public init(directory: URL = XDGDirectories().snapshotDirectory) { self.directory = directory }

    public static func baseName(for date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&t, &parts)
        return String(format: "emoscope-%04d-%02d-%02d-%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1,
                      parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    /// Writes the picture and its record; returns the PNG's URL.
    @discardableResult
    public func save(_ image: BGRAImage, at date: Date = Date(), record: (String) -> SnapshotRecord) throws -> URL {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SnapshotError.cannotCreateFolder(directory.path, error.localizedDescription)
        }
        let base = SnapshotWriter.baseName(for: date)
        let token = "\(getpid())-\(UUID().uuidString.prefix(8))"
        let pngTemp = directory.appendingPathComponent(".\(base).\(token).png")
        let jsonTemp = directory.appendingPathComponent(".\(base).\(token).json")
        defer {
            unlink(pngTemp.path)
            unlink(jsonTemp.path)
        }
        try image.writePNG(to: pngTemp)
        for attempt in 1...10_000 {
            let name = attempt == 1 ? base : "\(base)-\(attempt)"
            let png = directory.appendingPathComponent(name + ".png")
            let json = directory.appendingPathComponent(name + ".json")
            if FileManager.default.fileExists(atPath: json.path) { continue }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            do {
                try encoder.encode(record(png.lastPathComponent)).write(to: jsonTemp)
            } catch {
                throw SnapshotError.cannotWrite(json.path, error.localizedDescription)
            }
            guard link(pngTemp.path, png.path) == 0 else {
                if errno == EEXIST { continue }
                throw SnapshotError.cannotWrite(png.path, String(cString: strerror(errno)))
            }
            guard link(jsonTemp.path, json.path) == 0 else {
                let code = errno
                let why = String(cString: strerror(code))
                unlink(png.path) // ours, just made: keep PNG and JSON in pairs
                if code == EEXIST { continue }
                throw SnapshotError.cannotWrite(json.path, why)
            }
            return png
        }
        throw SnapshotError.cannotWrite(directory.appendingPathComponent(base).path, "too many snapshots with this name")
    }
}
