import Expression
import Foundation
import Imaging
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Issue 16, item 10: the decoded-pixel cache is keyed on what a rewrite cannot hide (the ctime and the
/// inode, besides size and mtime), and a load without the cache refreshes it.
@Suite("Dataset cache key")
struct DatasetCacheKeyTests {
    /// A 48x48 PGM: the same size in bytes whatever its pixels.
    static func writeFace(_ url: URL, fill: UInt8) throws {
        try Data(Array("P5\n48 48\n255\n".utf8) + Array(repeating: fill, count: 48 * 48)).write(to: url)
    }

    static func dataset(fill: UInt8) throws -> (root: URL, face: URL) {
        let root = try TestData.temporaryDirectory("cachekey")
        for emotion in ["happy", "sad"] {
            let folder = root.appendingPathComponent("train/\(emotion)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try writeFace(folder.appendingPathComponent("a.pgm"), fill: fill)
        }
        return (root, root.appendingPathComponent("train/happy/a.pgm"))
    }

    /// Rewrites the face with new pixels of the same size, and puts its modification time back.
    static func rewriteKeepingSizeAndTime(_ url: URL, fill: UInt8) throws {
        var info = stat()
        #expect(stat(url.path, &info) == 0)
        usleep(20_000) // the kernel's clock for file times is coarse: make the rewrite land on a later tick
        let handle = try FileHandle(forWritingTo: url)
        try handle.seek(toOffset: UInt64("P5\n48 48\n255\n".utf8.count))
        try handle.write(contentsOf: Data(repeating: fill, count: 48 * 48))
        try handle.close()
        var times = [info.st_atim, info.st_mtim]
        #expect(utimensat(AT_FDCWD, url.path, &times, 0) == 0)
        var after = stat()
        #expect(stat(url.path, &after) == 0)
        #expect(after.st_size == info.st_size && after.st_mtim.tv_sec == info.st_mtim.tv_sec && after.st_mtim.tv_nsec == info.st_mtim.tv_nsec)
    }

    @Test func aRewriteWithTheSameSizeAndTimeIsNotServedFromTheCache() throws {
        let (root, face) = try Self.dataset(fill: 10)
        let dataset = try Dataset(root: root, cacheDirectory: try TestData.temporaryDirectory("cache"))
        #expect(try !dataset.load(split: "train").fromCache)
        #expect(try dataset.load(split: "train").fromCache)
        try Self.rewriteKeepingSizeAndTime(face, fill: 200)
        let load = try dataset.load(split: "train")
        #expect(!load.fromCache)
        #expect(load.faces.face(0) == GrayImage(width: 48, height: 48, fill: 200))
    }

    @Test func loadingWithoutTheCacheRefreshesIt() throws {
        let (root, _) = try Self.dataset(fill: 10)
        let cache = try TestData.temporaryDirectory("cache")
        let dataset = try Dataset(root: root, cacheDirectory: cache)
        _ = try dataset.load(split: "train")
        // A cache file that went bad in place (same name): --no-cache decodes and writes it again.
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: cache.path).first)
        try Data("damaged".utf8).write(to: cache.appendingPathComponent(file))
        let fresh = try dataset.load(split: "train", useCache: false)
        #expect(!fresh.fromCache && fresh.decodedFiles == 2)
        let cached = try dataset.load(split: "train")
        #expect(cached.fromCache && cached.faces == fresh.faces)
    }
}

extension DatasetCacheKeyTests {
    /// Issue 16, items 7 and 11: whatever sits where the cache file should be (a named pipe, a 4 GB sparse
    /// file) is "no cache": the split is decoded, without blocking and without reading it.
    @Test func aPipeOrAHugeFileInPlaceOfTheCacheIsIgnored() throws {
        let (root, _) = try Self.dataset(fill: 10)
        let cache = try TestData.temporaryDirectory("cache")
        let dataset = try Dataset(root: root, cacheDirectory: cache)
        _ = try dataset.load(split: "train")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: cache.path).first)
        let file = cache.appendingPathComponent(name)
        try FileManager.default.removeItem(at: file)
        #expect(mkfifo(file.path, 0o600) == 0)
        let piped = Mutex<DatasetLoad?>(nil)
        guard HostileFileTests.finishes("loading with a pipe as the cache", { piped.set(try? dataset.load(split: "train")) }) else { return }
        #expect(piped.get()?.fromCache == false && piped.get()?.faces.count == 2)

        try? FileManager.default.removeItem(at: file)
        #expect(FileManager.default.createFile(atPath: file.path, contents: nil))
        #expect(truncate(file.path, off_t(4) << 30) == 0)
        let load = try dataset.load(split: "train", useCache: true)
        #expect(!load.fromCache && load.faces.count == 2)
    }
}

extension DatasetCacheKeyTests {
    /// A cache write killed mid-way leaves `.NAME.PID.partial`; the next cache write of that folder removes it.
    @Test func staleCacheTemporariesAreRemoved() throws {
        let (root, face) = try Self.dataset(fill: 10)
        let cache = try TestData.temporaryDirectory("cache")
        let dataset = try Dataset(root: root, cacheDirectory: cache)
        _ = try dataset.load(split: "train")
        let first = try #require(try FileManager.default.contentsOfDirectory(atPath: cache.path).first)
        var dead: pid_t = 4_000_000
        while kill(dead, 0) == 0 || errno != ESRCH { dead -= 1 }
        try Data(count: 4096).write(to: cache.appendingPathComponent(".\(first).\(dead).partial"))
        try Self.writeFace(face, fill: 99)
        _ = try dataset.load(split: "train")
        let names = try FileManager.default.contentsOfDirectory(atPath: cache.path)
        #expect(names.count == 1 && names[0] != first, "\(names)")
    }
}
