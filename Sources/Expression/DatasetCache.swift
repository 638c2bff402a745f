import Foundation

/// Decoded 48x48 pixels of a split folder, kept on disk so a second load skips decoding.
///
/// One file per split folder, named by a digest of the folder's path and of its listing (see
/// `DatasetListing.key`). The file is checked from end to end before use (magic, version, sizes, key,
/// checksum); anything odd means "no cache" and the split is decoded again. Writes are atomic.
struct DatasetCache: Sendable {
    let directory: URL

    private static let magic = Array("EMOFACES".utf8)
    private static let version: UInt32 = 1

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
        guard let data = try? Data(contentsOf: fileURL(for: listing), options: .mappedIfSafe) else { return nil }
        return data.withUnsafeBytes { Self.decode($0, listing: listing) }
    }

    /// Stores the result of decoding `listing`: its faces in listing order and the entries that were skipped.
    /// Returns a problem to mention when the cache could not be written (the load itself still succeeds).
    func write(_ listing: DatasetListing, faces: LabeledFaces, skipped: [SkippedFile]) -> String? {
        var data = Data()
        data.append(contentsOf: Self.magic)
        Self.append(Self.version, to: &data)
        Self.append(UInt32(LabeledFaces.side), to: &data)
        Self.append(UInt32(listing.entries.count), to: &data)
        Self.append(UInt32(faces.count), to: &data)
        data.append(contentsOf: Array(listing.key.utf8))
        let reasons = Dictionary(skipped.map { ($0.path, $0.reason) }, uniquingKeysWith: { first, _ in first })
        data.append(contentsOf: listing.entries.map { reasons[$0.path] == nil ? UInt8(0) : 1 })
        data.append(contentsOf: faces.pixels)
        for entry in listing.entries {
            guard let reason = reasons[entry.path].map({ Array($0.utf8) }) else { continue }
            Self.append(UInt32(reason.count), to: &data)
            data.append(contentsOf: reason)
        }
        let checksum = data.withUnsafeBytes { Self.checksum($0) }
        Self.append(checksum, to: &data)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let url = fileURL(for: listing)
            try data.write(to: url, options: .atomic)
            removeOlderVersions(of: listing.folder, keeping: url.lastPathComponent)
            return nil
        } catch {
            return "the decoded faces were not cached in \(directory.path): \(error.localizedDescription)"
        }
    }

    /// Old caches of the same folder are dead weight (tens of MB each): drop them.
    private func removeOlderVersions(of folder: String, keeping name: String) {
        let prefix = Self.folderPrefix(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for other in names where other.hasPrefix(prefix) && other != name {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(other))
        }
    }

    private static func folderPrefix(_ folder: String) -> String {
        var digest = Digest128()
        digest.add(folder)
        return "faces-\(digest.hex.prefix(16))-"
    }

    // MARK: - Format

    private static func decode(_ bytes: UnsafeRawBufferPointer, listing: DatasetListing)
        -> (faces: LabeledFaces, skipped: [SkippedFile])? {
        let keyBytes = Array(listing.key.utf8)
        let headerSize = magic.count + 16 + keyBytes.count
        let n = listing.entries.count
        guard bytes.count >= headerSize + n + 8,
              Array(bytes[0..<magic.count]) == magic,
              read32(bytes, at: 8) == version,
              read32(bytes, at: 12) == UInt32(LabeledFaces.side),
              read32(bytes, at: 16) == UInt32(n),
              Array(bytes[24..<(24 + keyBytes.count)]) == keyBytes else { return nil }
        let faceCount = Int(read32(bytes, at: 20))
        let statuses = bytes[headerSize..<(headerSize + n)]
        guard statuses.allSatisfy({ $0 <= 1 }), statuses.filter({ $0 == 0 }).count == faceCount else { return nil }
        let pixelStart = headerSize + n, pixelEnd = pixelStart + faceCount * LabeledFaces.faceSize
        guard pixelEnd + 8 <= bytes.count else { return nil }
        let stored = bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)
        guard checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 8)])) == stored else { return nil }

        var faces = LabeledFaces()
        faces.pixels = Array(bytes[pixelStart..<pixelEnd])
        var skipped: [SkippedFile] = []
        var offset = pixelEnd
        for (entry, status) in zip(listing.entries, statuses) {
            if status == 0 {
                faces.labels.append(entry.emotion)
                faces.paths.append(entry.path)
                continue
            }
            guard offset + 4 <= bytes.count - 8 else { return nil }
            let length = Int(read32(bytes, at: offset))
            offset += 4
            guard offset + length <= bytes.count - 8 else { return nil }
            let reason = String(decoding: bytes[offset..<(offset + length)], as: UTF8.self)
            skipped.append(SkippedFile(path: entry.path, reason: reason))
            offset += length
        }
        guard offset == bytes.count - 8 else { return nil }
        return (faces, skipped)
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
