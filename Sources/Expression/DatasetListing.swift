import Imaging
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The files of one split folder (`SPLIT/CLASS/*`) in the canonical order, with what keys the
/// decoded-pixel cache: each file's size, modification time, status-change time (ctime) and inode.
/// The ctime is what makes the key safe: a program can put a file's mtime back after rewriting it
/// (`touch -r`, `cp -p`, rsync), but not its ctime, which the kernel sets on every write and every
/// change of the times. A file replaced by another gets a new inode.
struct DatasetListing: Sendable {
    struct Entry: Sendable {
        let path: String
        let emotion: Emotion
        let size: Int64
        let modified: Int64 // nanoseconds since 1970
        let changed: Int64 // ctime, nanoseconds since 1970
        let inode: UInt64
    }

    let folder: String
    let entries: [Entry]
    /// Files found directly in the split folder, outside any class folder.
    let strayFiles: [SkippedFile]
    /// A 128-bit digest of the listing (paths, classes, sizes, times, inodes) and of how faces are decoded:
    /// any added, removed, renamed, rewritten or touched file gives a new key.
    let key: String

    /// Lists `folder`. Class folders are mapped with `Emotion(folderName:)`; an unknown name or an
    /// empty class folder is an error. Hidden files are ignored. Order: class, then folder name, then file name.
    init(folder: String) throws {
        self.folder = folder
        var classFolders: [(emotion: Emotion, name: String)] = []
        var strays: [SkippedFile] = []
        for name in try Self.visibleNames(in: folder) {
            let path = folder + "/" + name
            guard Self.isDirectory(path) else {
                strays.append(SkippedFile(path: path, reason: "not inside a class folder"))
                continue
            }
            guard let emotion = Emotion(folderName: name) else {
                throw DatasetError.unknownClassFolder(name: name, path: path)
            }
            classFolders.append((emotion, name))
        }
        guard !classFolders.isEmpty else { throw DatasetError.noClassFolders(split: folder) }
        classFolders.sort { ($0.emotion, $0.name) < ($1.emotion, $1.name) }

        var entries: [Entry] = []
        for (emotion, name) in classFolders {
            let classPath = folder + "/" + name
            var files = 0
            for file in try Self.visibleNames(in: classPath) {
                let path = classPath + "/" + file
                var info = stat()
                guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
                let changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
                entries.append(Entry(path: path, emotion: emotion, size: Int64(info.st_size), modified: modified,
                                     changed: changed, inode: UInt64(info.st_ino)))
                files += 1
            }
            if files == 0 { throw DatasetError.emptyClassFolder(path: classPath) }
        }
        self.entries = entries
        self.strayFiles = strays
        self.key = Self.digest(folder: folder, entries: entries)
    }

    private static func digest(folder: String, entries: [Entry]) -> String {
        var digest = Digest128()
        digest.add("emoscope-faces v2 side \(LabeledFaces.side) area\n\(folder)\n")
        for entry in entries {
            digest.add("\(entry.path)\u{0}\(entry.emotion.rawValue)\u{0}\(entry.size)\u{0}\(entry.modified)\u{0}\(entry.changed)\u{0}\(entry.inode)\n")
        }
        return digest.hex
    }

    /// Sorted names in a folder, without hidden ones.
    static func visibleNames(in folder: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            throw DatasetError.unreadableFolder(path: folder, reason: (error as NSError).localizedDescription)
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

/// Two independent 64-bit FNV-1a hashes: enough to key a cache (not a defence against tampering).
struct Digest128 {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x8422_2325_cbf2_9ce4

    mutating func add(_ text: String) {
        for byte in text.utf8 { add(byte) }
    }

    mutating func add(_ byte: UInt8) {
        a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        b = (b ^ UInt64(byte ^ 0x5a)) &* 0x0000_0100_0000_01b3 &+ 1
    }

    var hex: String {
        String(a, radix: 16).leftPadded(to: 16) + String(b, radix: 16).leftPadded(to: 16)
    }
}

private extension String {
    func leftPadded(to length: Int) -> String { String(repeating: "0", count: max(0, length - count)) + self }
}
