import Foundation

// The messages of onnx.proto (ONNX's IR, Apache-2.0) that a classifier file needs, by their field numbers
// there. Fields not listed are skipped on reading and not written back.

/// onnx.ModelProto: the file.
public struct ONNXModelProto: ProtobufMessage, Sendable {
    public var irVersion: Int64 = 0
    public var opsetImport: [ONNXOperatorSetIdProto] = []
    public var producerName = ""
    public var producerVersion = ""
    public var docString = ""
    /// Setting it (or any part of it) marks it present.
    public var graph = ONNXGraphProto() { didSet { hasGraph = true } }
    public private(set) var hasGraph = false
    public var metadataProps: [ONNXStringStringEntryProto] = []

    public init() {}

    public func encode(into writer: inout ProtobufWriter) {
        writer.int(1, irVersion)
        if !producerName.isEmpty { writer.string(2, producerName) }
        if !producerVersion.isEmpty { writer.string(3, producerVersion) }
        if !docString.isEmpty { writer.string(6, docString) }
        if hasGraph { writer.message(7, graph) }
        for entry in opsetImport { writer.message(8, entry) }
        for entry in metadataProps { writer.message(14, entry) }
    }

    public mutating func decode(field: Int, _ value: ProtobufReader.Value) throws {
        switch field {
        case 1: irVersion = try value.integer()
        case 2: producerName = try value.string()
        case 3: producerVersion = try value.string()
        case 6: docString = try value.string()
        case 7: graph = try value.message()
        case 8: opsetImport.append(try value.message())
        case 14: metadataProps.append(try value.message())
        default: break
        }
    }
}

/// onnx.OperatorSetIdProto: an operator set and its version ("" is the default ai.onnx domain).
public struct ONNXOperatorSetIdProto: ProtobufMessage, Sendable {
    public var domain = ""
    public var version: Int64 = 0

    public init() {}

    public func encode(into writer: inout ProtobufWriter) {
        writer.string(1, domain)
        writer.int(2, version)
    }

    public mutating func decode(field: Int, _ value: ProtobufReader.Value) throws {
        switch field {
        case 1: domain = try value.string()
        case 2: version = try value.integer()
        default: break
        }
    }
}

/// onnx.StringStringEntryProto: one `metadata_props` entry.
public struct ONNXStringStringEntryProto: ProtobufMessage, Sendable {
    public var key = ""
    public var value = ""

    public init() {}

    public func encode(into writer: inout ProtobufWriter) {
        writer.string(1, key)
        writer.string(2, value)
    }

    public mutating func decode(field: Int, _ value: ProtobufReader.Value) throws {
        switch field {
        case 1: key = try value.string()
        case 2: self.value = try value.string()
        default: break
        }
    }
}
