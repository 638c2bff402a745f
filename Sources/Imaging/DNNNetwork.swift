import CVBridge
import Foundation

/// A neural network from an ONNX file, run by OpenCV's dnn module on the CPU. Knows tensors, not faces.
/// Not thread-safe: one `forward` at a time (OpenCV's `Net` keeps its buffers between calls).
public final class DNNNetwork: @unchecked Sendable {
    public let path: String
    private let net: OpaquePointer

    /// Loads the model from its file's bytes; `path` names it in every error. An operator OpenCV cannot run
    /// fails here, with OpenCV's message naming it.
    public init(onnx bytes: Data, path: String) throws {
        let loaded = bytes.withUnsafeBytes { raw in
            cvb_net_read_onnx(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, path)
        }
        guard let loaded else { throw NetworkError.fromBridge(path: path, action: "load") }
        self.path = path
        net = loaded
    }

    deinit { cvb_net_free(net) }

    /// The network's first output for `input` of shape `shape` (e.g. [N, C, H, W]), with its shape.
    public func forward(_ input: [Float], shape: [Int]) throws -> (values: [Float], shape: [Int]) {
        guard !shape.isEmpty, shape.count <= Int(CVB_NET_MAX_DIMS), shape.reduce(1, *) == input.count else {
            throw NetworkError(path: path, reason: "an input of \(input.count) values does not have the shape \(shape)",
                               action: "run")
        }
        var output: UnsafeMutablePointer<Float>?
        var count = 0
        var outputDims = [Int32](repeating: 0, count: Int(CVB_NET_MAX_DIMS))
        var outputRank: Int32 = 0
        let dims = shape.map { Int32($0) }
        let status = input.withUnsafeBufferPointer { values in
            cvb_net_forward(net, values.baseAddress, dims, Int32(dims.count), &output, &count, &outputDims, &outputRank)
        }
        guard status == 0, let output else { throw NetworkError.fromBridge(path: path, action: "run") }
        defer { cvb_free(output) }
        return (Array(UnsafeBufferPointer(start: output, count: count)), outputDims.prefix(Int(outputRank)).map(Int.init))
    }
}
