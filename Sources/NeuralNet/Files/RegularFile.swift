import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reading a file that should be an ordinary file, whatever the path really names. Opening a named pipe
/// blocks until a writer comes (forever, for a user who passed one by mistake), a device such as /dev/zero
/// never ends, and a sparse file may claim gigabytes: so files are opened without blocking, anything but a
/// regular file is refused, and the size is checked against a cap before a byte is read.
public enum RegularFile {
    /// Why a path cannot be read as a file, in words to follow the path in a message.
    public struct Problem: Error, CustomStringConvertible, Equatable, Sendable {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// The size of the regular file at `path` (symbolic links followed), or the problem with it.
    @discardableResult
    public static func size(of path: String, limit: Int = .max) throws(Problem) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw openProblem(errno) }
        return try check(info, limit: limit)
    }

    /// The whole file, refused without blocking when it is not a regular file or is larger than `limit`.
    public static func read(_ path: String, limit: Int) throws(Problem) -> Data {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw openProblem(errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw openProblem(errno) }
        let size = try check(info, limit: limit)
        var data = Data(count: size)
        var done = 0
        var failure: Int32 = 0
        data.withUnsafeMutableBytes { buffer in
            while done < size {
                let got = Glibc.read(descriptor, buffer.baseAddress! + done, size - done)
                if got < 0 && errno == EINTR { continue }
                if got <= 0 { failure = got < 0 ? errno : 0; break }
                done += got
            }
        }
        guard done == size else {
            throw Problem(failure != 0 ? "cannot be read: \(String(cString: strerror(failure)))"
                                       : "changed while it was read (\(done) of \(size) bytes)")
        }
        return data
    }

    /// What kind of thing a file-system object is, for "is a named pipe (FIFO), not a regular file".
    public static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: "a regular file"
        case S_IFDIR: "a directory"
        case S_IFIFO: "a named pipe (FIFO)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }

    private static func check(_ info: stat, limit: Int) throws(Problem) -> Int {
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw Problem("is \(kind(info.st_mode)), not a regular file") }
        let size = Int(info.st_size)
        guard size <= limit else { throw Problem("is \(size) bytes, more than the \(limit) allowed for this kind of file") }
        return size
    }

    private static func openProblem(_ code: Int32) -> Problem {
        switch code {
        case ENOENT: Problem("does not exist")
        case EACCES, EPERM: Problem("cannot be read: permission denied")
        case ENOTDIR: Problem("does not exist (a part of the path is not a folder)")
        default: Problem("cannot be read: \(String(cString: strerror(code)))")
        }
    }
}
