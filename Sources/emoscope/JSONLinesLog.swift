import Foundation

/// Appends one JSON object per line to a log file.
final class JSONLinesLog {
    let url: URL

    init(url: URL, truncate: Bool) throws {
        self.url = url
        if truncate || !FileManager.default.fileExists(atPath: url.path) {
            let folder = url.deletingLastPathComponent()
            do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
                throw ValidationErrorText("cannot create the log \(url.path): its folder cannot be made (\((error as NSError).localizedDescription))")
            }
            let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw ValidationErrorText("cannot create the log \(url.path): \(String(cString: strerror(errno)))")
            }
            close(descriptor)
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
