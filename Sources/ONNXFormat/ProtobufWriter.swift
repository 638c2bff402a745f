import Foundation

/// Protocol Buffers' binary wire format, written field by field: just what the ONNX messages here need.
/// Repeated numbers are written unpacked (proto2's default, which every reader accepts).
public struct ProtobufWriter {
    private(set) var data = Data()

    public init() {}

    private mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            data.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        data.append(UInt8(value))
    }

    private mutating func tag(_ field: Int, _ wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }

    mutating func int(_ field: Int, _ value: Int64) {
        tag(field, 0)
        varint(UInt64(bitPattern: value))
    }

    mutating func int(_ field: Int, _ value: Int32) { int(field, Int64(value)) }

    mutating func float(_ field: Int, _ value: Float) {
        tag(field, 5)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
    }

    mutating func bytes(_ field: Int, _ value: Data) {
        tag(field, 2)
        varint(UInt64(value.count))
        data.append(value)
    }

    mutating func string(_ field: Int, _ value: String) { bytes(field, Data(value.utf8)) }

    mutating func message<M: ProtobufMessage>(_ field: Int, _ value: M) {
        var nested = ProtobufWriter()
        value.encode(into: &nested)
        bytes(field, nested.data)
    }

    /// Only when set: proto2's optional fields are absent rather than zero.
    mutating func int(_ field: Int, ifSet value: Int64?) { if let value { int(field, value) } }
    mutating func string(_ field: Int, ifSet value: String?) { if let value { string(field, value) } }
}

/// A message of the subset of onnx.proto this module reads and writes.
public protocol ProtobufMessage {
    init()
    func encode(into writer: inout ProtobufWriter)
    /// Applies one field; fields it does not know are skipped by the caller.
    mutating func decode(field: Int, _ value: ProtobufReader.Value) throws
}

extension ProtobufMessage {
    /// Reads a message from its serialised bytes; throws `ProtobufError` for damaged data.
    public init(serializedBytes data: Data) throws {
        self.init()
        var reader = ProtobufReader(data)
        while let (field, value) = try reader.next() { try decode(field: field, value) }
    }

    public func serializedData() -> Data {
        var writer = ProtobufWriter()
        encode(into: &writer)
        return writer.data
    }
}
