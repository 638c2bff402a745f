import Imaging
import Foundation

/// What a dataset holds: faces per split and class, imbalance, undecodable files, and exact duplicates
/// (identical 48x48 pixels) within and across splits. Also a few sample faces per class for pictures.
public struct DatasetStats: Sendable {
    public struct Split: Sendable {
        public let name: String
        /// Faces per class, indexed by `Emotion.rawValue`.
        public let classCounts: [Int]
        public let skipped: [SkippedFile]
        /// Faces that repeat an earlier face of the same split.
        public let duplicates: Int
        /// Distinct faces that occur more than once in the split.
        public let duplicateGroups: Int
        public let fromCache: Bool
        public let seconds: Double

        public var total: Int { classCounts.reduce(0, +) }

        /// Largest class over smallest; nil when a class has no faces.
        public var imbalance: Double? {
            guard let smallest = classCounts.min(), smallest > 0, let largest = classCounts.max() else { return nil }
            return Double(largest) / Double(smallest)
        }
    }

    /// Distinct faces of `split` that also occur in the earlier split `other`.
    public struct Overlap: Sendable, Equatable {
        public let split: String
        public let other: String
        public let faces: Int
    }

    public let root: String
    public let splits: [Split]
    public let overlaps: [Overlap]
    /// Up to `samplesPerClass` faces of each class from the first split, indexed by `Emotion.rawValue`.
    public let samples: [[GrayImage]]

    /// Loads every split of `dataset` (through the cache) and counts.
    public init(dataset: Dataset, samplesPerClass: Int = 8, useCache: Bool = true) throws {
        var splits: [Split] = []
        var seen: [(name: String, faces: Set<FacePixels>)] = []
        var overlaps: [Overlap] = []
        var samples = [[GrayImage]](repeating: [], count: Emotion.allCases.count)
        for name in dataset.splitNames {
            let load = try dataset.load(split: name, useCache: useCache)
            let faces = load.faces
            var unique = Set<FacePixels>(minimumCapacity: faces.count)
            var repeated = Set<FacePixels>()
            for i in 0..<faces.count where !unique.insert(FacePixels(faces.facePixels(i))).inserted {
                repeated.insert(FacePixels(faces.facePixels(i)))
            }
            for earlier in seen {
                let shared = unique.lazy.filter { earlier.faces.contains($0) }.count
                if shared > 0 { overlaps.append(Overlap(split: name, other: earlier.name, faces: shared)) }
            }
            seen.append((name, unique))
            if splits.isEmpty {
                for i in 0..<faces.count where samples[faces.labels[i].rawValue].count < samplesPerClass {
                    samples[faces.labels[i].rawValue].append(faces.face(i))
                }
            }
            splits.append(Split(name: name, classCounts: faces.classCounts, skipped: load.skipped,
                                duplicates: faces.count - unique.count, duplicateGroups: repeated.count,
                                fromCache: load.fromCache, seconds: load.seconds))
        }
        self.root = dataset.root.path
        self.splits = splits
        self.overlaps = overlaps
        self.samples = samples
    }

    /// The numbers as a text table, followed by cross-split duplicates and every undecodable file.
    public var table: String {
        let names: [String] = Emotion.allCases.map(\.name)
        let headers: [String] = ["split"] + names + ["total", "imbalance", "undecodable", "duplicates"]
        var rows: [[String]] = splits.map { split -> [String] in
            let counts: [String] = split.classCounts.map { String($0) }
            let imbalance: String = split.imbalance.map { String(format: "%.1fx", $0) } ?? "n/a"
            return [split.name] + counts + [String(split.total), imbalance, String(split.skipped.count),
                                            String(split.duplicates)]
        }
        if splits.count > 1 {
            let sums: [Int] = (0..<names.count).map { c in splits.reduce(0) { $0 + $1.classCounts[c] } }
            let smallest = sums.min() ?? 0, largest = sums.max() ?? 0
            let imbalance: String = smallest > 0 ? String(format: "%.1fx", Double(largest) / Double(smallest)) : "n/a"
            let undecodable: Int = splits.reduce(0) { $0 + $1.skipped.count }
            rows.append(["all"] + sums.map { String($0) } + [String(sums.reduce(0, +)), imbalance, String(undecodable), ""])
        }
        let table: [[String]] = [headers] + rows
        let widths: [Int] = headers.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        var text = "Dataset \(root)\n" + line(headers) + "\n"
            + line(widths.map { String(repeating: "-", count: $0) }) + "\n"
            + rows.map(line).joined(separator: "\n") + "\n"
        text += "\nimbalance = largest class / smallest class; duplicates = faces whose 48x48 pixels repeat an "
            + "earlier face of the same split\n"
        for split in splits where split.duplicateGroups > 0 {
            text += "\(split.name): \(split.duplicates) duplicate faces in \(split.duplicateGroups) groups of identical pixels\n"
        }
        for overlap in overlaps {
            text += "\(overlap.split) shares \(overlap.faces) identical faces with \(overlap.other)\n"
        }
        if overlaps.isEmpty && splits.count > 1 { text += "no identical faces across splits\n" }
        for split in splits where !split.skipped.isEmpty {
            text += "\nundecodable in \(split.name):\n" + split.skipped.map { "  \($0)" }.joined(separator: "\n") + "\n"
        }
        return text
    }
}

/// A face's pixels as a set member: equal when every byte is equal, hashed in one call over the raw bytes
/// (hashing an `ArraySlice` byte by byte made duplicate search the slowest part of `data stats`).
struct FacePixels: Hashable {
    let pixels: ArraySlice<UInt8>

    init(_ pixels: ArraySlice<UInt8>) { self.pixels = pixels }

    func hash(into hasher: inout Hasher) {
        pixels.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (a: FacePixels, b: FacePixels) -> Bool { a.pixels == b.pixels }
}
