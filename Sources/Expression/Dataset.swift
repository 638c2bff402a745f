import Imaging
import Foundation

/// A labelled face dataset: a folder in the Kaggle layout `ROOT/SPLIT/CLASS/*` (any image format and
/// size OpenCV reads), or the original `fer2013.csv`. Splits are loaded on demand as 48x48 gray faces.
public struct Dataset: Sendable {
    /// The dataset folder, or the CSV file.
    public let root: URL
    /// Split names in sorted order (`train`, `val`, ...).
    public let splitNames: [String]
    /// Where decoded folder splits are cached.
    public let cacheDirectory: URL
    /// The faces of each split when the dataset is a CSV (parsed once, at opening), and the parse time.
    private let csvSplits: [String: (faces: LabeledFaces, skipped: [SkippedFile])]
    private let csvSeconds: Double

    /// Opens a folder `ROOT/SPLIT/CLASS/*`. Nothing is decoded until `load(split:)`.
    public init(root: URL, cacheDirectory: URL? = nil) throws {
        let path = root.standardizedFileURL.path
        guard DatasetListing.isDirectory(path) else { throw DatasetError.rootMissing(path: path) }
        let folders = try DatasetListing.visibleNames(in: path).filter { DatasetListing.isDirectory(path + "/" + $0) }
        guard !folders.isEmpty else { throw DatasetError.noSplits(root: path) }
        if folders.allSatisfy({ Emotion(folderName: $0) != nil }) { throw DatasetError.rootIsASplit(root: path) }
        self.root = URL(fileURLWithPath: path)
        self.splitNames = folders
        self.cacheDirectory = cacheDirectory ?? DatasetCache.defaultDirectory
        self.csvSplits = [:]
        self.csvSeconds = 0
    }

    /// Reads the original `fer2013.csv` (`emotion,pixels,Usage`): Training -> "train", PublicTest -> "val",
    /// PrivateTest -> "test". Rows that cannot be used are reported by line in the split's `skipped`.
    public init(csv: URL) throws {
        let started = Date()
        let splits = try DatasetCSV.read(csv)
        self.csvSeconds = Date().timeIntervalSince(started)
        self.root = csv
        self.splitNames = splits.keys.sorted()
        self.cacheDirectory = DatasetCache.defaultDirectory
        self.csvSplits = splits
    }

    /// Opens a `.csv` file as `init(csv:)`, anything else as a folder.
    public static func open(_ url: URL, cacheDirectory: URL? = nil) throws -> Dataset {
        url.pathExtension.lowercased() == "csv" ? try Dataset(csv: url) : try Dataset(root: url, cacheDirectory: cacheDirectory)
    }

    /// The split used to pick the best model: "val", else "validation", else "test".
    public var validationSplitName: String? { split(named: ["val", "validation", "test"]) }

    /// The split to train on: "train", else "training".
    public var trainingSplitName: String? { split(named: ["train", "training"]) }

    /// Loads one split as 48x48 faces, sorted by class then file name. Undecodable files are skipped and
    /// reported; with `useCache`, decoded pixels are reused when no file of the split has changed (see
    /// `DatasetListing` for what "changed" means); without it, the split is decoded and the cache refreshed.
    /// (A CSV was parsed when the dataset was opened: its loads report that time and the rows parsed.)
    public func load(split: String, useCache: Bool = true) throws -> DatasetLoad {
        let started = Date()
        if !csvSplits.isEmpty {
            guard let part = csvSplits[split] else {
                throw DatasetError.missingSplit(name: split, root: root.path, available: splitNames)
            }
            return DatasetLoad(split: split, faces: part.faces, skipped: part.skipped, fromCache: false,
                               decodedFiles: part.faces.count + part.skipped.count, seconds: csvSeconds,
                               source: root.path)
        }
        let folder = root.path + "/" + split
        guard splitNames.contains(split), DatasetListing.isDirectory(folder) else {
            throw DatasetError.missingSplit(name: split, root: root.path, available: splitNames)
        }
        let listing = try DatasetListing(folder: folder)
        let cache = DatasetCache(directory: cacheDirectory)
        if useCache, let cached = cache.read(listing) {
            return DatasetLoad(split: split, faces: cached.faces, skipped: listing.strayFiles + cached.skipped,
                               fromCache: true, decodedFiles: 0, seconds: Date().timeIntervalSince(started),
                               source: folder)
        }
        let decoded = DatasetDecoder.decode(listing)
        // Without the cache the split is decoded anew, and the result replaces what the cache held.
        let cacheProblem = cache.write(listing, faces: decoded.faces, skipped: decoded.skipped)
        return DatasetLoad(split: split, faces: decoded.faces, skipped: listing.strayFiles + decoded.skipped,
                           fromCache: false, decodedFiles: listing.entries.count,
                           seconds: Date().timeIntervalSince(started), source: folder, cacheProblem: cacheProblem)
    }

    /// The image files of a folder split with their labels, in the canonical order (not decoded: for
    /// evaluating whole photos the way the app sees them).
    public func files(split: String) throws -> [(path: String, emotion: Emotion)] {
        guard csvSplits.isEmpty else { throw DatasetError.missingSplit(name: split, root: root.path, available: []) }
        let folder = root.path + "/" + split
        guard splitNames.contains(split), DatasetListing.isDirectory(folder) else {
            throw DatasetError.missingSplit(name: split, root: root.path, available: splitNames)
        }
        return try DatasetListing(folder: folder).entries.map { ($0.path, $0.emotion) }
    }

    private func split(named preferences: [String]) -> String? {
        for wanted in preferences {
            if let name = splitNames.first(where: { $0.lowercased() == wanted }) { return name }
        }
        return nil
    }
}
