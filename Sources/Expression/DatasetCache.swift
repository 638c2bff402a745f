import Imaging
import Foundation
import NeuralNet
#if canImport(Glibc)
import Glibc
#endif

/// Decoded 48x48 pixels of a split folder, kept on disk so a second load skips decoding.
///
/// One file per split folder, named by a digest of the folder's path and of its listing (see
/// `DatasetListing.key`). The file is checked from end to end before use (magic, version, sizes, key,
/// checksum); anything odd means "no cache" and the split is decoded again. Writes are atomic.
struct DatasetCache: Sendable {
    let directory: URL

    private static let magic = Array("EMOFACES".utf8)
    private static let version: UInt32 = 2

    /// `$XDG_CACHE_HOME/emoscope`, else `~/.cache/emoscope`.
    static var defaultDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("emoscope")
        }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".cache/emoscope")
    }

    func fileURL(for listing: DatasetListing) -> URL {
        directory.appendingPathComponent("\(Self.folderPrefix(listing.folder))\(listing.key).bin")
    }

    /// The cached faces and skipped files of `listing`, or nil when there is no valid cache for it.
    func read(_ listing: DatasetListing) -> (faces: LabeledFaces, skipped: [SkippedFile])? {
        guard var bytes = Self.readFile(fileURL(for: listing).path, limit: Self.largestFile(for: listing)) else { return nil }
        return Self.decode(&bytes, listing: listing)
    }

    /// Stores the result of decoding `listing`: its faces in listing order and the entries that were skipped.
    /// Returns a problem to mention when the cache could not be written (the load itself still succeeds).
    func write(_ listing: DatasetListing, faces: LabeledFaces, skipped: [SkippedFile]) -> String? {
        var data = Data(capacity: faces.pixels.count + listing.entries.count + 4096)
        data.append(contentsOf: faces.pixels)
        let reasons = Dictionary(skipped.map { ($0.path, $0.reason) }, uniquingKeysWith: { first, _ in first })
        data.append(contentsOf: listing.entries.map { reasons[$0.path] == nil ? UInt8(0) : 1 })
        for entry in listing.entries {
            guard let reason = reasons[entry.path].map({ Array($0.utf8) }) else { continue }
            Self.append(UInt32(reason.count), to: &data)
            data.append(contentsOf: reason)
        }
        data.append(contentsOf: Array(listing.key.utf8))
        Self.append(UInt32(listing.entries.count), to: &data)
        Self.append(UInt32(faces.count), to: &data)
        Self.append(UInt32(LabeledFaces.side), to: &data)
        Self.append(Self.version, to: &data)
        let checksum = data.withUnsafeBytes { Self.checksum($0) }
        Self.append(checksum, to: &data)
        data.append(contentsOf: Self.magic)
        let url = fileURL(for: listing)
        do throws(RegularFile.Problem) { try AtomicFile.write(data, to: url) } catch {
            return "the decoded faces were not cached: \(url.path) \(error.description)"
        }
        removeOlderVersions(of: listing.folder, keeping: url.lastPathComponent)
        return nil
    }

    /// Old caches of the same folder are dead weight (tens of MB each): drop them.
    private func removeOlderVersions(of folder: String, keeping name: String) {
        let prefix = Self.folderPrefix(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for other in names where other.hasPrefix(prefix) && other != name {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(other))
        }
        // Temporaries of writers killed while caching an older version (".NAME.PID.partial").
        for other in names where other.hasPrefix("." + prefix) && other.hasSuffix(".partial") {
            let target = other.dropFirst().split(separator: ".").dropLast(2).joined(separator: ".")
            AtomicFile.removeStaleTemporaries(of: directory.appendingPathComponent(target))
        }
    }

    private static func folderPrefix(_ folder: String) -> String {
        var digest = Digest128()
        digest.add(folder)
        return "faces-\(digest.hex.prefix(16))-"
    }

    // MARK: - Format
    // [pixels of the decoded faces][status per listing entry: 0 face, 1 skipped][reasons: u32 length + UTF-8]
    // [key][entries u32][faces u32][side u32][version u32][checksum u64 of all before it][magic]
    // The pixels come first so that, once checked, the file's bytes become the faces' array in place.

    private static let trailerSize = 8 + 8 + 16

    private static func decode(_ bytes: inout [UInt8], listing: DatasetListing)
        -> (faces: LabeledFaces, skipped: [SkippedFile])? {
        let keyBytes = Array(listing.key.utf8)
        let n = listing.entries.count, end = bytes.count
        guard end >= trailerSize + keyBytes.count + n else { return nil }
        let valid: (faceCount: Int, reasonsStart: Int)? = bytes.withUnsafeBytes { raw in
            guard Array(raw[(end - 8)..<end]) == magic,
                  read32(raw, at: end - 20) == version,
                  read32(raw, at: end - 24) == UInt32(LabeledFaces.side),
                  read32(raw, at: end - 32) == UInt32(n),
                  Array(raw[(end - trailerSize - keyBytes.count)..<(end - trailerSize)]) == keyBytes,
                  raw.loadUnaligned(fromByteOffset: end - 16, as: UInt64.self)
                      == checksum(UnsafeRawBufferPointer(rebasing: raw[0..<(end - 16)])) else { return nil }
            let faceCount = Int(read32(raw, at: end - 28))
            let pixelEnd = faceCount * LabeledFaces.faceSize
            guard pixelEnd + n <= end - trailerSize - keyBytes.count else { return nil }
            let statuses = raw[pixelEnd..<(pixelEnd + n)]
            guard statuses.allSatisfy({ $0 <= 1 }), statuses.count(where: { $0 == 0 }) == faceCount else { return nil }
            return (faceCount, pixelEnd + n)
        }
        guard let valid else { return nil }

        var labels: [Emotion] = [], paths: [String] = [], skipped: [SkippedFile] = []
        labels.reserveCapacity(valid.faceCount)
        paths.reserveCapacity(valid.faceCount)
        let pixelEnd = valid.faceCount * LabeledFaces.faceSize
        var offset = valid.reasonsStart
        let reasonsEnd = end - trailerSize - keyBytes.count
        for (entry, status) in zip(listing.entries, bytes[pixelEnd..<(pixelEnd + n)]) {
            if status == 0 {
                labels.append(entry.emotion)
                paths.append(entry.path)
                continue
            }
            guard offset + 4 <= reasonsEnd else { return nil }
            let length = bytes.withUnsafeBytes { Int(read32($0, at: offset)) }
            offset += 4
            guard offset + length <= reasonsEnd else { return nil }
            skipped.append(SkippedFile(path: entry.path, reason: String(decoding: bytes[offset..<(offset + length)], as: UTF8.self)))
            offset += length
        }
        guard offset == reasonsEnd else { return nil }
        bytes.removeLast(end - pixelEnd) // O(1): the array keeps its storage
        return (LabeledFaces(pixels: bytes, labels: labels, paths: paths), skipped)
    }

    /// The most a valid cache of `listing` can take: every face, its status, a generous reason and the trailer.
    /// Anything larger is not ours, and is not read.
    private static func largestFile(for listing: DatasetListing) -> Int {
        listing.entries.count * (LabeledFaces.faceSize + 1 + 4 + 8192) + (1 << 20)
    }

    /// The whole file in one array, read straight into it (tens of MB: no intermediate copies). Opened
    /// without blocking and used only when it is a regular file within `limit` bytes: whatever is found in
    /// the cache folder (a named pipe, a device, a huge sparse file) means only "no cache".
    private static func readFile(_ path: String, limit: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0, info.st_size <= limit else { return nil }
        let size = Int(info.st_size)
        var complete = true
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var done = 0
            while done < size {
                let got = Glibc.read(descriptor, buffer.baseAddress! + done, size - done)
                if got <= 0 { break }
                done += got
            }
            complete = done == size
            count = done
        }
        return complete ? bytes : nil
    }

    private static func read32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    /// A fast 64-bit checksum over 8-byte words (catches truncation, bit rot and partial writes).
    private static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(bytes.count)
        let words = bytes.count / 8
        for i in 0..<words {
            let word = bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
            hash = (hash ^ word) &* 0x0000_0100_0000_01b3
            hash ^= hash >> 29
        }
        for i in (words * 8)..<bytes.count {
            hash = (hash ^ UInt64(bytes[i])) &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
