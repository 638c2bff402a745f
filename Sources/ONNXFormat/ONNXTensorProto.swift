import Foundation

/// onnx.TensorProto: a constant (initializer), float32 as little-endian raw bytes or int64 values.
public struct ONNXTensorProto: ProtobufMessage, Sendable {
    /// onnx.TensorProto.DataType, the two kinds written here.
    public enum DataType: Int32, Sendable { case float = 1, int64 = 7 }

    public var dims: [Int64] = []
    public var dataType: Int32 = 0
    public var floatData: [Float] = []
    public var int64Data: [Int64] = []
    public var name = ""
    public var rawData = Data()

    public init() {}

    public func encode(into writer: inout ProtobufWriter) {
        for size in dims { writer.int(1, size) }
        writer.int(2, dataType)
        for value in floatData { writer.float(4, value) }
        for value in int64Data { writer.int(7, value) }
        writer.string(8, name)
        if !rawData.isEmpty { writer.bytes(9, rawData) }
    }

    public mutating func decode(field: Int, _ value: ProtobufReader.Value) throws {
        switch field {
        case 1: dims += try value.integers()
        case 2: dataType = try value.int32()
        case 4: floatData += try value.floats()
        case 7: int64Data += try value.integers()
        case 8: name = try value.string()
        case 9: rawData = try value.data()
        default: break
        }
    }
}

/// onnx.ValueInfoProto: a graph input's or output's name and type.
public struct ONNXValueInfoProto: ProtobufMessage, Sendable {
    public var name = ""
    public var type = ONNXTypeProto()

    public init() {}

    public func encode(into writer: inout ProtobufWriter) {
        writer.string(1, name)
        writer.message(2, type)
    }

    public mutating func decode(field: Int, _ value: ProtobufReader.Value) throws {
        switch field {
        case 1: name = try value.string()
        case 2: type = try value.message()
        default: break
        }
    }
}

/// onnx.TypeProto, for tensors (the only kind a classifier's input and output are).
public struct ONNXTypeProto: ProtobufMessage, Sendable {
    /// onnx.TypeProto.Tensor: element type and, when known, shape.
    public struct Tensor: ProtobufMessage, Sendable {
        public var elemType: Int32 = 0
        /// Setting it (or any part of it) marks it present.
        public var shape = ONNXTensorShapeProto() { didSet { hasShape = true } }
        public private(set) var hasShape = false

        public init() {}

        public func encode(into writer: inout ProtobufWriter) {
            writer.int(1, elemType)
            if hasShape { writer.message(2, shape) }
        }

        public mutating func decode(field: Int, _ value: ProtobufReader.Value) throws {
            switch field {
            case 1: elemType = try value.int32()
            case 2: shape = try value.message()
            default: break
            }
        }
    }

    public var tensorType = Tensor()

    public init() {}

    public func encode(into writer: inout ProtobufWriter) { writer.message(1, tensorType) }

    public mutating func decode(field: Int, _ value: ProtobufReader.Value) throws {
        if field == 1 { tensorType = try value.message() }
    }
}

/// onnx.TensorShapeProto: dimensions, each a size, a name (a dynamic size such as "N") or unknown.
public struct ONNXTensorShapeProto: ProtobufMessage, Sendable {
    public struct Dimension: ProtobufMessage, Sendable {
        public enum Value: Equatable, Sendable { case dimValue(Int64), dimParam(String) }
        public var value: Value? = nil

        public init() {}

        public var dimValue: Int64 {
            get { if case .dimValue(let size)? = value { size } else { 0 } }
            set { value = .dimValue(newValue) }
        }

        public var dimParam: String {
            get { if case .dimParam(let name)? = value { name } else { "" } }
            set { value = .dimParam(newValue) }
        }

        public func encode(into writer: inout ProtobufWriter) {
            switch value {
            case .dimValue(let size)?: writer.int(1, size)
            case .dimParam(let name)?: writer.string(2, name)
            case nil: break
            }
        }

        public mutating func decode(field: Int, _ value: ProtobufReader.Value) throws {
            switch field {
            case 1: self.value = .dimValue(try value.integer())
            case 2: self.value = .dimParam(try value.string())
            default: break
            }
        }
    }

    public var dim: [Dimension] = []

    public init() {}

    public func encode(into writer: inout ProtobufWriter) { for dimension in dim { writer.message(1, dimension) } }

    public mutating func decode(field: Int, _ value: ProtobufReader.Value) throws {
        if field == 1 { dim.append(try value.message()) }
    }
}
