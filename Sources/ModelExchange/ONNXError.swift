/// A network that cannot be written as ONNX, or a file that cannot be read as one (the message then starts
/// with the file's path).
public struct ONNXError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
