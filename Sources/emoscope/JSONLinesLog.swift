import Foundation

/// Appends one JSON object per line to a log file.
final class JSONLinesLog {
    let url: URL

    init(url: URL, truncate: Bool) throws {
        self.url = url
        if truncate || !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw ValidationErrorText("cannot create the log \(url.path)")
            }
        }
    }

    func append<T: Encodable>(_ record: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard var line = try? encoder.encode(record), let handle = try? FileHandle(forWritingTo: url) else { return }
        line.append(0x0A)
        handle.seekToEndOfFile()
        handle.write(line)
        try? handle.close()
    }
}
