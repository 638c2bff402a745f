import Foundation

/// onnx.GraphProto: nodes in execution order, constants, inputs and outputs.
public struct ONNXGraphProto: ProtobufMessage, Sendable {
    public var node: [ONNXNodeProto] = []
    public var name = ""
    public var initializer: [ONNXTensorProto] = []
    public var input: [ONNXValueInfoProto] = []
    public var output: [ONNXValueInfoProto] = []

    public init() {}

    public func encode(into writer: inout ProtobufWriter) {
        for node in node { writer.message(1, node) }
        writer.string(2, name)
        for tensor in initializer { writer.message(5, tensor) }
        for info in input { writer.message(11, info) }
        for info in output { writer.message(12, info) }
    }

    public mutating func decode(field: Int, _ value: ProtobufReader.Value) throws {
        switch field {
        case 1: node.append(try value.message())
        case 2: name = try value.string()
        case 5: initializer.append(try value.message())
        case 11: input.append(try value.message())
        case 12: output.append(try value.message())
        default: break
        }
    }
}

/// onnx.NodeProto: one operator application, wired to others by tensor names.
public struct ONNXNodeProto: ProtobufMessage, Sendable {
    public var input: [String] = []
    public var output: [String] = []
    public var name = ""
    public var opType = ""
    public var domain = ""
    public var attribute: [ONNXAttributeProto] = []

    public init() {}

    public func encode(into writer: inout ProtobufWriter) {
        for name in input { writer.string(1, name) }
        for name in output { writer.string(2, name) }
        writer.string(3, name)
        writer.string(4, opType)
        for attribute in attribute { writer.message(5, attribute) }
        if !domain.isEmpty { writer.string(7, domain) }
    }

    public mutating func decode(field: Int, _ value: ProtobufReader.Value) throws {
        switch field {
        case 1: input.append(try value.string())
        case 2: output.append(try value.string())
        case 3: name = try value.string()
        case 4: opType = try value.string()
        case 5: attribute.append(try value.message())
        case 7: domain = try value.string()
        default: break
        }
    }
}

/// onnx.AttributeProto, for the kinds a classifier's operators use: a float, an int or a list of ints.
public struct ONNXAttributeProto: ProtobufMessage, Sendable {
    /// onnx.AttributeProto.AttributeType.
    public enum AttributeType: Int64, Sendable {
        case undefined = 0, float = 1, int = 2, string = 3, tensor = 4, graph = 5, floats = 6, ints = 7, strings = 8
    }

    public var name = ""
    public var type = AttributeType.undefined
    public var f: Float = 0
    public var i: Int64 = 0
    public var ints: [Int64] = []

    public init() {}

    public func encode(into writer: inout ProtobufWriter) {
        writer.string(1, name)
        switch type {
        case .float: writer.float(2, f)
        case .int: writer.int(3, i)
        case .ints: for value in ints { writer.int(8, value) }
        default: break
        }
        writer.int(20, type.rawValue)
    }

    public mutating func decode(field: Int, _ value: ProtobufReader.Value) throws {
        switch field {
        case 1: name = try value.string()
        case 2: f = try value.float()
        case 3: i = try value.integer()
        case 8: ints += try value.integers()
        case 20: type = AttributeType(rawValue: try value.integer()) ?? .undefined
        default: break
        }
    }
}
