import Imaging
import Foundation
import NeuralNet

/// Reads the original FER2013 CSV: a header naming `emotion`, `pixels` and `Usage` (any order, any case),
/// then one face per row as 2304 space-separated gray levels. Parsed on bytes: the file is about 290 MB.
enum DatasetCSV {
    /// The Usage column's names for Emoscope's split names.
    static let splitForUsage = ["training": "train", "publictest": "val", "privatetest": "test"]
    /// fer2013.csv is about 290 MB; a file several times larger is not one.
    static let maximumBytes = 1 << 30

    static func read(_ url: URL) throws -> [String: (faces: LabeledFaces, skipped: [SkippedFile])] {
        let path = url.path
        let data: Data
        do throws(RegularFile.Problem) { data = try RegularFile.read(path, limit: Self.maximumBytes) } catch {
            throw DatasetError.csv(path: path, problem: "it \(error.description)")
        }
        return try data.withUnsafeBytes { raw in try parse(raw.bindMemory(to: UInt8.self), path: path) }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws
        -> [String: (faces: LabeledFaces, skipped: [SkippedFile])] {
        var lines = LineIterator(bytes: bytes)
        guard let headerLine = lines.next() else { throw DatasetError.csv(path: path, problem: "the file is empty") }
        let header = fields(of: headerLine, in: bytes).map {
            // A byte-order mark (spreadsheet programs write one) is not part of the first column's name.
            String(decoding: bytes[$0], as: UTF8.self).trimmingCharacters(in: .whitespaces.union(["\"", "\u{FEFF}"])).lowercased()
        }
        guard let emotionColumn = header.firstIndex(of: "emotion"), let pixelsColumn = header.firstIndex(of: "pixels"),
              let usageColumn = header.firstIndex(of: "usage") else {
            throw DatasetError.csv(path: path, problem: "the header is \"\(visible(header.joined(separator: ",")))\"; "
                + "expected the columns emotion, pixels and Usage of fer2013.csv")
        }

        // Accumulated per split in arrays, mutated in place: copying a split out of a dictionary and back
        // for every row would copy all its pixels each time.
        var splitIndex: [String: Int] = [:]
        var faces: [LabeledFaces] = [], skipped: [[SkippedFile]] = []
        var unplaced: [SkippedFile] = []
        var face = [UInt8](repeating: 0, count: LabeledFaces.faceSize)
        var lineNumber = 1
        while let line = lines.next() {
            lineNumber += 1
            if line.isEmpty { continue }
            let origin = "\(path):\(lineNumber)"
            let columns = fields(of: line, in: bytes)
            guard columns.count == header.count else {
                unplaced.append(SkippedFile(path: origin, reason: "\(columns.count) columns instead of \(header.count)"))
                continue
            }
            let usage = text(columns[usageColumn], in: bytes)
            let split = splitForUsage[usage.lowercased()] ?? usage.lowercased()
            guard !split.isEmpty else {
                unplaced.append(SkippedFile(path: origin, reason: "no Usage"))
                continue
            }
            let id = splitIndex[split] ?? {
                splitIndex[split] = faces.count
                faces.append(LabeledFaces())
                skipped.append([])
                return faces.count - 1
            }()
            let code = text(columns[emotionColumn], in: bytes)
            guard let number = Int(code), let emotion = Emotion(fer2013Code: number) else {
                skipped[id].append(SkippedFile(path: origin, reason: "emotion code \"\(code)\" is not 0...6"))
                continue
            }
            if let problem = parsePixels(bytes[columns[pixelsColumn]], into: &face) {
                skipped[id].append(SkippedFile(path: origin, reason: problem))
                continue
            }
            faces[id].append(face, label: emotion, path: origin)
        }
        guard !splitIndex.isEmpty else { throw DatasetError.csv(path: path, problem: "no usable rows") }
        // Rows without a split are reported once, with the training split (or the first one).
        let home = splitIndex["train"] ?? splitIndex[splitIndex.keys.sorted()[0]]!
        skipped[home].insert(contentsOf: unplaced, at: 0)
        return splitIndex.mapValues { (faces[$0], skipped[$0]) }
    }

    /// Parses "70 80 82 ..." (exactly 48*48 numbers 0...255); returns a problem or nil.
    private static func parsePixels(_ field: Slice<UnsafeBufferPointer<UInt8>>, into face: inout [UInt8]) -> String? {
        var count = 0, value = 0, inNumber = false
        for byte in field {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                if value > 255 { return "pixel \(count + 1) is above 255" }
                inNumber = true
            case UInt8(ascii: " "), UInt8(ascii: "\""), UInt8(ascii: "\t"):
                if inNumber {
                    if count == face.count { return "more than \(face.count) pixels" }
                    face[count] = UInt8(value)
                    count += 1
                    value = 0
                    inNumber = false
                }
            default:
                return "pixels contain \"\(Character(Unicode.Scalar(byte)))\""
            }
        }
        if inNumber {
            if count == face.count { return "more than \(face.count) pixels" }
            face[count] = UInt8(value)
            count += 1
        }
        return count == face.count ? nil : "\(count) pixels instead of \(face.count) (48x48)"
    }

    /// Field ranges of a line split at commas (fer2013's pixel field has none).
    private static func fields(of line: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = line.lowerBound
        for i in line where bytes[i] == UInt8(ascii: ",") {
            result.append(start..<i)
            start = i + 1
        }
        result.append(start..<line.upperBound)
        return result
    }

    private static func text(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes[range], as: UTF8.self).trimmingCharacters(in: .whitespaces.union(["\""]))
    }

    /// Text with its invisible characters shown as \u{XX}, so a header that looks right but is not says why.
    private static func visible(_ text: String) -> String {
        text.unicodeScalars.map { scalar in
            scalar.properties.isWhitespace && scalar != " " || scalar.properties.generalCategory == .format
                || scalar.properties.generalCategory == .control
                ? "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" : String(scalar)
        }.joined()
    }

    /// Lines as byte ranges, without their "\n" or "\r\n".
    private struct LineIterator {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        mutating func next() -> Range<Int>? {
            guard position < bytes.count else { return nil }
            var end = position
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            var line = position..<end
            if line.count > 0 && bytes[line.upperBound - 1] == UInt8(ascii: "\r") { line = position..<(end - 1) }
            position = end + 1
            return line
        }
    }
}
