import Expression
import Foundation

/// Emotions over time as a CSV file: one row per classified face per analysed frame, RFC 4180 (CRLF, a header
/// row, fields quoted only when they need it), readable as it is by pandas, R and spreadsheets.
/// Rows are written whole and flushed at least every second, so a crash or a power cut loses at most the
/// last second and never leaves half a line.
public final class EmotionLog {
    public let url: URL
    private let handle: FileHandle
    private let includesFile: Bool
    private let startedAt: Date
    private var pending = ""
    private var lastFlush = -Double.infinity
    private let timestamps = ISO8601DateFormatter()
    public private(set) var rows = 0

    public static func header(includesFile: Bool) -> [String] {
        (includesFile ? ["file"] : []) + ["time_s", "timestamp", "frame", "track", "x", "y", "w", "h"]
            + Emotion.allCases.map(\.name) + ["emotion"]
    }

    /// Creates the file; an existing file is replaced only with `replacing` (never silently).
    public convenience init(url: URL, includesFile: Bool, startedAt: Date = Date(), replacing: Bool = false) throws {
        let flags = O_WRONLY | O_CREAT | O_TRUNC | (replacing ? 0 : O_EXCL)
        let fd = open(url.path, flags, 0o644)
        guard fd >= 0 else {
            let reason = errno == EEXIST ? "it exists already (choose another name, or --force to replace it)"
                : String(cString: strerror(errno))
            throw EmotionLogError(path: url.path, reason: reason)
        }
        try self.init(url: url, handle: FileHandle(fileDescriptor: fd, closeOnDealloc: true), includesFile: includesFile,
                      startedAt: startedAt)
    }

    /// Writes to standard output (a pipe or a terminal), for `analyze` without `--csv`.
    public convenience init(standardOutputIncludingFile includesFile: Bool, startedAt: Date = Date()) throws {
        try self.init(url: URL(fileURLWithPath: "/dev/stdout"), handle: .standardOutput, includesFile: includesFile,
                      startedAt: startedAt)
    }

    /// Writes the header row at once.
    private init(url: URL, handle: FileHandle, includesFile: Bool, startedAt: Date) throws {
        self.url = url
        self.handle = handle
        self.includesFile = includesFile
        self.startedAt = startedAt
        timestamps.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        pending = Self.line(Self.header(includesFile: includesFile))
        try flush()
    }

    /// One row per face that was classified in this frame (faces only carried over from earlier frames are not
    /// measurements of this one). `time` is seconds from the start of the recording or video.
    public func append(file: String? = nil, time: Double, frame: Int, faces: [TrackedFace], now: Double) throws {
        let wallClock = timestamps.string(from: startedAt.addingTimeInterval(time))
        for face in faces where face.missed == 0 && face.probabilities.count == Emotion.allCases.count {
            var fields = includesFile ? [file ?? ""] : []
            fields += [String(format: "%.3f", time), wallClock, "\(frame)", "\(face.id)",
                       "\(face.box.x)", "\(face.box.y)", "\(face.box.width)", "\(face.box.height)"]
            fields += face.probabilities.map { String(format: "%.5f", $0) }
            fields.append(face.emotion?.name ?? "")
            pending += Self.line(fields)
            rows += 1
        }
        if now - lastFlush >= 1 { try flush(now: now) }
    }

    /// Writes what is pending (whole lines only).
    public func flush(now: Double = -Double.infinity) throws {
        lastFlush = now
        guard !pending.isEmpty else { return }
        do { try handle.write(contentsOf: Data(pending.utf8)) } catch {
            throw EmotionLogError(path: url.path, reason: error.localizedDescription)
        }
        pending = ""
    }

    public func close() throws {
        try flush()
        try handle.close()
    }

    static func line(_ fields: [String]) -> String {
        fields.map(quoted).joined(separator: ",") + "\r\n"
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

public struct EmotionLogError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "cannot write \(path): \(reason)" }
}
