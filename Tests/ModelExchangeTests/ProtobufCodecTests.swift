import Foundation
import ONNXFormat
import Testing

/// The small protobuf codec against hand-encoded bytes of the wire format.
@Suite struct ProtobufCodecTests {
    @Test func readsPackedAndUnpackedRepeatedFields() throws {
        // dims 2 and 300 unpacked, then int64_data -1 and 5 packed; data_type 7; name "t".
        let bytes = Data([0x08, 0x02, 0x08, 0xAC, 0x02, 0x10, 0x07,
                          0x3A, 0x0B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x05,
                          0x42, 0x01, 0x74])
        let tensor = try ONNXTensorProto(serializedBytes: bytes)
        #expect(tensor.dims == [2, 300])
        #expect(tensor.int64Data == [-1, 5])
        #expect(tensor.dataType == 7)
        #expect(tensor.name == "t")
    }

    @Test func roundTripsWhatItWrites() throws {
        var attribute = ONNXAttributeProto()
        attribute.name = "pads"
        attribute.type = .ints
        attribute.ints = [0, 1, -1, Int64.max]
        var epsilon = ONNXAttributeProto()
        epsilon.name = "epsilon"
        epsilon.type = .float
        epsilon.f = 1e-3
        var node = ONNXNodeProto()
        node.opType = "Conv"
        node.input = ["x", "w"]
        node.output = ["y"]
        node.attribute = [attribute, epsilon]
        let read = try ONNXNodeProto(serializedBytes: node.serializedData())
        #expect(read.opType == "Conv" && read.input == ["x", "w"] && read.output == ["y"])
        #expect(read.attribute.map(\.ints) == [[0, 1, -1, Int64.max], []])
        #expect(read.attribute[1].f == 1e-3 && read.attribute[1].type == .float)
    }

    @Test func skipsUnknownFieldsOfEveryWireType() throws {
        // Unknown fields 15 (varint), 16 (fixed64), 17 (bytes), 18 (fixed32) around key "k" and value "v".
        let bytes = Data([0x78, 0x96, 0x01, 0x81, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x0A, 0x01, 0x6B,
                          0x8A, 0x01, 0x02, 0x41, 0x42, 0x95, 0x01, 9, 9, 9, 9, 0x12, 0x01, 0x76])
        let entry = try ONNXStringStringEntryProto(serializedBytes: bytes)
        #expect(entry.key == "k" && entry.value == "v")
    }

    @Test func refusesDamagedData() {
        #expect(throws: ProtobufError.truncated) { try ONNXModelProto(serializedBytes: Data([0x3A, 0x05, 0x01])) }
        #expect(throws: ProtobufError.truncated) { try ONNXModelProto(serializedBytes: Data([0x08, 0x80])) }
        #expect(throws: ProtobufError.self) { try ONNXModelProto(serializedBytes: Data([0x0B])) }  // a group
        #expect(throws: ProtobufError.self) { try ONNXModelProto(serializedBytes: Data([0x08] + [UInt8](repeating: 0xFF, count: 11))) }
        #expect(throws: ProtobufError.self) { try ONNXModelProto(serializedBytes: Data([0x00, 0x01])) }  // field 0
        // A graph whose node field holds a varint instead of a message.
        #expect(throws: ProtobufError.self) { try ONNXModelProto(serializedBytes: Data([0x3A, 0x02, 0x08, 0x01])) }
    }
}
