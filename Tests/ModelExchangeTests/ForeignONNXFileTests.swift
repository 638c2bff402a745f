import Expression
import Foundation
import Imaging
import ModelExchange
import Testing
import TestSupport

/// A file made by the onnx package itself (scripts/make-onnx-fixture.py), in the layout other tools export:
/// NHWC input, logits out, no metadata. OpenCV through ONNXClassifier gives onnxruntime's probabilities.
@Suite struct ForeignONNXFileTests {
    static let folder = TestData.fixtures.appendingPathComponent("onnx")
    static let model = folder.appendingPathComponent("foreign-nhwc-logits.onnx")

    struct Expected: Decodable {
        let classes: [String]
        let probabilities: [[Double]]
    }

    /// The fixture's images: pixel(n, y, x) = (7x + 13y + 31n + x·y mod 17) mod 256.
    static func face(_ n: Int) -> GrayImage {
        GrayImage(width: 48, height: 48, pixels: (0..<(48 * 48)).map { i in
            let (y, x) = (i / 48, i % 48)
            return UInt8((7 * x + 13 * y + 31 * n + (x * y) % 17) % 256)
        })
    }

    @Test func describesItself() throws {
        let file = try ONNXModelFile(contentsOf: Self.model)
        #expect(file.inputDims == [nil, 48, 48, 1])
        #expect(file.outputDims == [nil, 7])
        #expect(file.operators == ["Transpose", "Conv", "Relu", "GlobalAveragePool", "Flatten", "Gemm"])
        #expect(file.metadata.isEmpty)
    }

    @Test func matchesOnnxRuntime() throws {
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.folder.appendingPathComponent("foreign-nhwc-logits.json")))
        let classifier = try ONNXClassifier(contentsOf: Self.model, settings: .init(classNames: expected.classes),
                                            averagesFlip: false)
        #expect(!classifier.outputsProbabilities, "logits are recognised and get a softmax")
        #expect((classifier.inputHeight, classifier.inputWidth, classifier.channels) == (48, 48, 1))
        let got = try classifier.classify((0..<expected.probabilities.count).map(Self.face))
        for (n, row) in expected.probabilities.enumerated() {
            // The file's classes are in reverse Emotion order; the classifier answers in Emotion order.
            for (j, name) in expected.classes.enumerated() {
                let emotion = try #require(Emotion.allCases.firstIndex { $0.name == name })
                #expect(abs(Double(got[n][emotion]) - row[j]) < 1e-5, "image \(n), \(name)")
            }
        }
    }
}
