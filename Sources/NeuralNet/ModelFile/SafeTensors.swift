import Foundation

/// The safetensors container: an 8-byte little-endian header length, a JSON header mapping each tensor
/// name to `dtype`, `shape` and `data_offsets` (relative to the end of the header), an optional
/// `__metadata__` map of strings, then the raw little-endian tensor bytes.
///
/// Reading validates the whole header — lengths, offsets, overlaps, dtypes, shapes — before any tensor
/// byte is touched, so a truncated or hostile file fails with a precise message instead of a crash,
/// a hang or a huge allocation.
public enum SafeTensors {
    public enum DType: String, Sendable, CaseIterable {
        case f32 = "F32", f16 = "F16"
        public var byteCount: Int { self == .f32 ? 4 : 2 }
    }

    public struct Entry: Sendable {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        /// Byte range within the data section.
        public let range: Range<Int>
    }

    /// A validated file: its entries and metadata, and the bytes (memory-mapped) to read values from.
    public struct Contents: @unchecked Sendable {
        public let url: URL
        public let entries: [String: Entry]
        public let metadata: [String: String]
        let bytes: Data
        let dataStart: Int

        /// The tensor's values as Float32, converting from float16 where stored so.
        public func values(_ name: String) throws -> [Float] {
            guard let entry = entries[name] else { throw ModelFileError(url, "tensor \"\(name)\" is missing") }
            let count = entry.shape.reduce(1, *)
            var result = [Float](repeating: 0, count: count)
            bytes.withUnsafeBytes { raw in
                let start = raw.baseAddress! + dataStart + entry.range.lowerBound
                switch entry.dtype {
                case .f32:
                    result.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: start, count: count * 4)) }
                    for i in 0..<count { result[i] = Float(bitPattern: UInt32(littleEndian: result[i].bitPattern)) }
                case .f16:
                    for i in 0..<count {
                        let bits = start.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                        result[i] = Float(Float16(bitPattern: UInt16(littleEndian: bits)))
                    }
                }
            }
            return result
        }
    }

    /// Largest header accepted: far above any real model's, far below a harmful allocation.
    public static let maximumHeaderBytes = 16 << 20
    /// Largest file accepted.
    public static let maximumFileBytes = 2 << 30

    public static func read(_ url: URL) throws -> Contents {
        let size: Int
        do throws(RegularFile.Problem) { size = try RegularFile.size(of: url.path) } catch { throw ModelFileError(url, error.description) }
        guard size >= 8 else {
            throw ModelFileError(url, size == 0 ? "the file is empty (0 bytes)" : "the file is only \(size) bytes, too short for a safetensors header")
        }
        guard size <= maximumFileBytes else { throw ModelFileError(url, "the file is \(size) bytes, larger than any model (\(maximumFileBytes))") }
        let bytes: Data
        do { bytes = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw ModelFileError(url, "cannot be read: \(error.localizedDescription)")
        }
        let headerLength = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(size - 8) else {
            throw ModelFileError(url, "header length \(headerLength) runs past the end of the file (\(size) bytes): the file is truncated or not safetensors")
        }
        guard headerLength <= UInt64(maximumHeaderBytes) else {
            throw ModelFileError(url, "header length \(headerLength) is larger than the \(maximumHeaderBytes) bytes allowed")
        }
        guard headerLength >= 2 else { throw ModelFileError(url, "header length \(headerLength) is too small for a JSON header") }
        let dataStart = 8 + Int(headerLength)
        let dataSize = size - dataStart
        let headerBytes = bytes.subdata(in: 8..<dataStart)
        guard let json = try? JSONSerialization.jsonObject(with: headerBytes),
              let header = json as? [String: Any] else {
            throw ModelFileError(url, "the header is not a valid JSON object")
        }
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let map = value as? [String: Any] else { throw ModelFileError(url, "__metadata__ is not an object") }
                for (key, item) in map {
                    guard let text = item as? String else { throw ModelFileError(url, "metadata \"\(key)\" is not a string") }
                    metadata[key] = text
                }
                continue
            }
            entries[name] = try entry(name, value, dataSize: dataSize, url: url)
        }
        // No two tensors may share bytes.
        let sorted = entries.values.sorted { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.range.lowerBound < a.range.upperBound {
            throw ModelFileError(url, "tensors \"\(a.name)\" and \"\(b.name)\" overlap (bytes \(a.range) and \(b.range))")
        }
        return Contents(url: url, entries: entries, metadata: metadata, bytes: bytes, dataStart: dataStart)
    }

    private static func entry(_ name: String, _ value: Any, dataSize: Int, url: URL) throws -> Entry {
        guard let fields = value as? [String: Any] else { throw ModelFileError(url, "tensor \"\(name)\" is not an object") }
        guard let dtypeName = fields["dtype"] as? String else { throw ModelFileError(url, "tensor \"\(name)\" has no dtype") }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw ModelFileError(url, "tensor \"\(name)\" has unsupported dtype \(dtypeName) (expected F32 or F16)")
        }
        guard let shapeValues = fields["shape"] as? [Any], shapeValues.count <= 8,
              let shape = integers(shapeValues), shape.allSatisfy({ $0 >= 0 }) else {
            throw ModelFileError(url, "tensor \"\(name)\" has an invalid shape")
        }
        guard let offsetValues = fields["data_offsets"] as? [Any], offsetValues.count == 2,
              let offsets = integers(offsetValues) else {
            throw ModelFileError(url, "tensor \"\(name)\" has invalid data_offsets")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, begin <= end else {
            throw ModelFileError(url, "tensor \"\(name)\" has data_offsets [\(begin), \(end)] out of order")
        }
        guard end <= dataSize else {
            throw ModelFileError(url, "tensor \"\(name)\" has data_offsets [\(begin), \(end)] past the end of the data (\(dataSize) bytes): the file is truncated")
        }
        var byteCount = dtype.byteCount
        for dimension in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw ModelFileError(url, "tensor \"\(name)\" has an impossibly large shape \(shape)") }
            byteCount = product
        }
        guard end - begin == byteCount else {
            throw ModelFileError(url, "tensor \"\(name)\" of shape \(shape) \(dtypeName) needs \(byteCount) bytes but its data_offsets span \(end - begin)")
        }
        return Entry(name: name, dtype: dtype, shape: shape, range: begin..<end)
    }

    /// JSON numbers as Ints, rejecting fractions and values outside Int's range.
    private static func integers(_ values: [Any]) -> [Int]? {
        var result: [Int] = []
        for value in values {
            guard let integer = value as? Int, integer.magnitude < (1 << 53) else { return nil }
            result.append(integer)
        }
        return result
    }

    /// Writes tensors and metadata atomically (`AtomicFile`): an interrupted write never leaves a
    /// half-written model where a good one was, nor a temporary file that the next save does not remove.
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String],
                             dtype: DType = .f32, to url: URL) throws {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for (name, tensor) in tensors {
            let byteCount = tensor.count * dtype.byteCount
            header[name] = ["dtype": dtype.rawValue, "shape": tensor.shape, "data_offsets": [offset, offset + byteCount]]
            offset += byteCount
        }
        var headerBytes = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad the header with spaces to a multiple of 8 so the data section is aligned, as the format advises.
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var file = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(headerBytes)
        for (_, tensor) in tensors {
            switch dtype {
            case .f32:
                for value in tensor.buffer { withUnsafeBytes(of: value.bitPattern.littleEndian) { file.append(contentsOf: $0) } }
            case .f16:
                for value in tensor.buffer { withUnsafeBytes(of: Float16(value).bitPattern.littleEndian) { file.append(contentsOf: $0) } }
            }
        }
        do throws(RegularFile.Problem) { try AtomicFile.write(file, to: url) } catch { throw ModelFileError(url, error.description) }
    }
}

/// A model or checkpoint file that cannot be used, with the file's path and what is wrong.
public struct ModelFileError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String

    public init(_ url: URL, _ problem: String) {
        path = url.path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
