import Foundation

/// Why bytes are not a valid message.
public enum ProtobufError: Error, Equatable, Sendable {
    /// The data ends inside a field.
    case truncated
    /// The bytes cannot be protobuf (a bad wire type, a varint too long, a field of the wrong kind).
    case malformed(String)
}

/// Protocol Buffers' binary wire format read field by field, every length checked against what is left.
public struct ProtobufReader {
    /// One field's payload, by wire type.
    public enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case bytes(Data)

        func integer() throws -> Int64 {
            guard case .varint(let raw) = self else { throw ProtobufError.malformed("an integer field is not a varint") }
            return Int64(bitPattern: raw)
        }

        func int32() throws -> Int32 { Int32(truncatingIfNeeded: try integer()) }

        func float() throws -> Float {
            guard case .fixed32(let raw) = self else { throw ProtobufError.malformed("a float field is not 32-bit") }
            return Float(bitPattern: raw)
        }

        func data() throws -> Data {
            guard case .bytes(let bytes) = self else { throw ProtobufError.malformed("a bytes field is not length-delimited") }
            return bytes
        }

        func string() throws -> String { String(decoding: try data(), as: UTF8.self) }

        func message<M: ProtobufMessage>(_ type: M.Type = M.self) throws -> M { try M(serializedBytes: data()) }

        /// A repeated integer field's values: one varint, or a packed run of them.
        func integers() throws -> [Int64] {
            if case .varint(let raw) = self { return [Int64(bitPattern: raw)] }
            var reader = ProtobufReader(try data())
            var values: [Int64] = []
            while !reader.isAtEnd { values.append(Int64(bitPattern: try reader.varint())) }
            return values
        }

        /// A repeated float field's values: one fixed32, or a packed run of them.
        func floats() throws -> [Float] {
            if case .fixed32(let raw) = self { return [Float(bitPattern: raw)] }
            let bytes = try data()
            guard bytes.count % 4 == 0 else { throw ProtobufError.malformed("packed floats of \(bytes.count) bytes") }
            return stride(from: 0, to: bytes.count, by: 4).map { offset in
                let start = bytes.startIndex + offset
                return Float(bitPattern: UInt32(bytes[start]) | UInt32(bytes[start + 1]) << 8
                             | UInt32(bytes[start + 2]) << 16 | UInt32(bytes[start + 3]) << 24)
            }
        }
    }

    private let data: Data
    private var position: Int

    public init(_ data: Data) {
        self.data = data
        position = data.startIndex
    }

    var isAtEnd: Bool { position >= data.endIndex }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            guard position < data.endIndex else { throw ProtobufError.truncated }
            let byte = data[position]
            position += 1
            guard shift < 63 || byte <= 1 else { throw ProtobufError.malformed("a varint longer than 64 bits") }
            result |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte < 0x80 { return result }
        }
        throw ProtobufError.malformed("a varint longer than 10 bytes")
    }

    private mutating func take(_ count: Int) throws -> Data {
        guard count >= 0, data.endIndex - position >= count else { throw ProtobufError.truncated }
        defer { position += count }
        return data[position..<(position + count)]
    }

    /// The next field number and payload, or nil at the end of the message.
    public mutating func next() throws -> (Int, Value)? {
        guard !isAtEnd else { return nil }
        let key = try varint()
        let field = Int(truncatingIfNeeded: key >> 3)
        guard field > 0, field < 1 << 29 else { throw ProtobufError.malformed("field number \(key >> 3)") }
        switch key & 7 {
        case 0: return (field, .varint(try varint()))
        case 1:
            let bytes = try take(8)
            return (field, .fixed64(bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }))
        case 2:
            let length = try varint()
            guard length <= UInt64(Int.max) else { throw ProtobufError.truncated }
            return (field, .bytes(try take(Int(length))))
        case 5:
            let bytes = try take(4)
            return (field, .fixed32(bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }))
        default:
            throw ProtobufError.malformed("wire type \(key & 7)")
        }
    }
}
