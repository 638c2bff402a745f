/// A tensor flowing between emitted nodes: its name in the graph and its per-sample shape as NeuralNet
/// sees it ([height, width, channels] or [features]). In the graph, images are NCHW ([N, c, h, w]) as ONNX
/// operators expect, flat values [N, features].
struct ONNXValue {
    var name: String
    var shape: [Int]

    var isImage: Bool { shape.count == 3 }
}
