import Expression
import Foundation
import Imaging
import ModelExchange
import NeuralNet

/// Valid inputs for each target, so the fuzzer starts from files that get past the first checks.
enum Seeds {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func write(for target: String, to folder: URL) {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func save(_ name: String, _ data: Data?) { if let data { try? data.write(to: folder.appendingPathComponent(name)) } }
        let encoder = JSONEncoder()
        switch target {
        case "safetensors":
            let network = try! Sequential(inputShape: [8, 8, 1], layers: [.conv(2, 3), .batchNorm(), .relu,
                                          .maxPool(size: 2, strides: 2), .flatten, .dense(7), .softmax])
            let url = folder.appendingPathComponent("small.safetensors")
            try? ModelFile(network: network, classNames: Emotion.classNames, normalization: .unitRange).save(to: url)
        case "architecture":
            for architecture in EmotionArchitecture.allCases {
                save("\(architecture.rawValue).json", try? encoder.encode(architecture.architecture))
            }
        case "checkpoint":
            var faces = LabeledFaces()
            for emotion in Emotion.allCases { faces.append([UInt8](repeating: 9, count: LabeledFaces.faceSize), label: emotion, path: "x") }
            var configuration = TrainingConfiguration()
            configuration.architecture = EmotionArchitecture.tiny.rawValue
            if let trainer = try? Trainer(configuration: configuration, training: faces, validation: faces,
                                          modelURL: folder.appendingPathComponent("unused"), checkpointURL: folder.appendingPathComponent("unused")) {
                save("state.json", try? encoder.encode(trainer.state))
            }
        case "keras":
            for name in ["model.json", "tutorial.json", "model-keras3.json"] {
                save(name, try? Data(contentsOf: repository.appendingPathComponent("Tests/Fixtures/keras-import/\(name)")))
            }
        case "csv":
            let pixels = (0..<LabeledFaces.faceSize).map { String($0 % 256) }.joined(separator: " ")
            save("fer2013.csv", Data("emotion,pixels,Usage\n0,\(pixels),Training\n3,\(pixels),PublicTest\n6,\(pixels),PrivateTest\n".utf8))
        case "image":
            let face = GrayImage(width: 12, height: 9, fill: 77)
            try? face.writePNG(to: folder.appendingPathComponent("face.png"))
            save("face.pgm", Data(Array("P5\n12 9\n255\n".utf8) + face.pixels))
            var bmp = Data("BM".utf8) + Data(count: 12) + Data([40, 0, 0, 0, 12, 0, 0, 0, 9, 0, 0, 0, 1, 0, 8, 0])
            bmp += Data(count: 40)
            save("face.bmp", bmp)
        case "onnx":
            let network = try! Sequential(inputShape: [8, 8, 1], layers: [.conv(2, 3), .batchNorm(), .relu,
                                          .maxPool(size: 2, strides: 2), .flatten, .dense(7), .softmax])
            save("small.onnx", try? ONNXExporter.data(of: network, classNames: Emotion.classNames, normalization: .unitRange))
            save("foreign.onnx", try? Data(contentsOf: repository.appendingPathComponent("Tests/Fixtures/onnx/foreign-nhwc-logits.onnx")))
        default:
            break
        }
    }
}
