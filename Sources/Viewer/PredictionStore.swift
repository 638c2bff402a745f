import Expression
import Foundation
import Live
import NeuralNet
import Synchronization

/// Finished predictions of whole splits, so that coming back to a split (or to the browser, or to the app)
/// shows its predictions at once. An entry is found only for the same model (the classifier object, or on
/// disk its fingerprint of every weight and setting) and the same faces (folder, split and a fingerprint of
/// every label and pixel), so another model or a changed folder is predicted anew.
///
/// In memory for the app's life; with a directory also on disk (`$XDG_CACHE_HOME/emoscope/predictions`),
/// one small file per model and split, written atomically and read only when its size is exactly right.
public final class PredictionStore: @unchecked Sendable {
    struct Key: Hashable, Sendable {
        let model: ObjectIdentifier
        /// The classifier's fingerprint; nil: kept in memory only.
        let modelFingerprint: UInt64?
        let root: String
        let split: String
        let faces: FaceFingerprint

        init(classifier: EmotionClassifying, root: String, split: String, faces: FaceFingerprint) {
            model = ObjectIdentifier(classifier)
            modelFingerprint = classifier.fingerprint
            self.root = root
            self.split = split
            self.faces = faces
        }
    }

    /// Where finished splits are kept between runs; nil: memory only.
    public let directory: URL?
    private let entries = Mutex<[Key: [[Float]?]]>([:])
    private static let magic = Array("EMOPRED1".utf8)
    private static let classes = Emotion.allCases.count

    public init(directory: URL? = nil) { self.directory = directory }

    /// `$XDG_CACHE_HOME/emoscope/predictions` (else `~/.cache/emoscope/predictions`).
    public static var defaultDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : nil }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".cache")
        return base.appendingPathComponent("emoscope/predictions")
    }

    func predictions(for key: Key) -> [[Float]?]? {
        if let known = entries.withLock({ $0[key] }) { return known }
        guard let file = file(for: key), let read = Self.read(file, count: key.faces.count) else { return nil }
        entries.withLock { $0[key] = read }
        return read
    }

    func save(_ probabilities: [[Float]?], for key: Key) {
        entries.withLock { $0[key] = probabilities }
        guard let file = file(for: key), probabilities.allSatisfy({ $0?.count == Self.classes }) else { return }
        var data = Data(Self.magic)
        withUnsafeBytes(of: UInt64(probabilities.count).littleEndian) { data.append(contentsOf: $0) }
        var values = probabilities.flatMap { $0! }
        for i in values.indices { values[i] = Float(bitPattern: values[i].bitPattern.littleEndian) }
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        // A cache: a full disk or a read-only home only costs the next visit its speed.
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? AtomicFile.write(data, to: file)
    }

    /// One file per model and split of a folder's faces, named by a hash of all of it.
    func file(for key: Key) -> URL? {
        guard let directory, let model = key.modelFingerprint else { return nil }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(model)|\(key.root)|\(key.split)|\(key.faces.count)|\(key.faces.hash)".utf8 {
            h = (h ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return directory.appendingPathComponent(String(format: "%016llx.predictions", h))
    }

    /// The file's probabilities when it holds exactly `count` faces' worth, each finite; else nil.
    static func read(_ file: URL, count: Int) -> [[Float]?]? {
        let size = magic.count + 8 + count * classes * 4
        guard FileManager.default.fileExists(atPath: file.path),
              let data = try? RegularFile.read(file.path, limit: size), data.count == size,
              Array(data.prefix(magic.count)) == magic else { return nil }
        let stored = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: magic.count, as: UInt64.self)) }
        guard stored == UInt64(count) else { return nil }
        let values: [Float] = data.withUnsafeBytes { raw in
            (0..<(count * classes)).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: magic.count + 8 + $0 * 4, as: UInt32.self)))
            }
        }
        guard values.allSatisfy(\.isFinite) else { return nil }
        return (0..<count).map { Array(values[($0 * classes)..<(($0 + 1) * classes)]) }
    }
}

/// What identifies a split's faces: their count and a 64-bit FNV-1a hash of every label and pixel.
struct FaceFingerprint: Hashable, Sendable {
    let count: Int
    let hash: UInt64

    init(_ faces: LabeledFaces) {
        count = faces.count
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        // Eight bytes at a time: a whole training split hashes in a small fraction of a second.
        faces.pixels.withUnsafeBytes { raw in
            let words = raw.count / 8
            for i in 0..<words {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* 0x100_0000_01b3
            }
            for i in (words * 8)..<raw.count { h = (h ^ UInt64(raw[i])) &* 0x100_0000_01b3 }
        }
        for label in faces.labels { h = (h ^ UInt64(label.rawValue)) &* 0x100_0000_01b3 }
        hash = h
    }
}
