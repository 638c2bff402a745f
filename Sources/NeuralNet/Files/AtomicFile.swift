import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a file whole or not at all: the bytes go to a temporary file beside the target, named after it
/// and the writing process (`.NAME.PID.partial`), which is then renamed over the target. A reader never sees
/// half a file, and a write interrupted even by `kill -9` leaves the old file intact. The temporary files of
/// writers that died are removed by the next write to the same target, so none pile up.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws(RegularFile.Problem) {
        let folder = url.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw RegularFile.Problem("cannot be written: its folder \(folder.path) cannot be created (\(reason(error)))")
        }
        removeStaleTemporaries(of: url)
        let temporary = temporaryURL(for: url, pid: getpid())
        unlink(temporary.path)
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw RegularFile.Problem("cannot be written: \(String(cString: strerror(errno)))") }
        var failure: Int32 = 0
        data.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let wrote = Glibc.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
                if wrote < 0 && errno == EINTR { continue }
                if wrote <= 0 { failure = errno == 0 ? EIO : errno; return }
                done += wrote
            }
        }
        if failure == 0 && fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0 && failure == 0 { failure = errno }
        if failure == 0 && rename(temporary.path, url.path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary.path)
            throw RegularFile.Problem("cannot be written: \(String(cString: strerror(failure)))")
        }
    }

    /// `.NAME.PID.partial` beside `url`.
    static func temporaryURL(for url: URL, pid: pid_t) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(pid).partial")
    }

    /// Removes `.NAME.PID.partial` files of `url` whose process no longer exists.
    public static func removeStaleTemporaries(of url: URL) {
        let folder = url.deletingLastPathComponent()
        let prefix = ".\(url.lastPathComponent).", suffix = ".partial"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(suffix) && name.count > prefix.count + suffix.count {
            let middle = name.dropFirst(prefix.count).dropLast(suffix.count)
            guard let pid = pid_t(middle), pid > 0, kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(folder.appendingPathComponent(name).path)
        }
    }

    private static func reason(_ error: any Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let code = underlying?.code, underlying?.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(code))) }
        return (error as NSError).localizedDescription
    }
}
