import Imaging
import Foundation
import NeuralNet
import TestSupport

/// The files made by Tests/Fixtures/keras-import/make_fixtures.py and what Keras predicted for them.
enum KerasFixtureFiles {
    static let folder = TestData.fixtures.appendingPathComponent("keras-import")
    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    static var modelJSON: URL { url("model.json") }
    static var weights: URL { url("weights.h5") }
    static let classNames = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]

    struct Predictions: Decodable {
        let classes: [String]
        let inputScale: Float
        /// 48x48 raw gray pixels per image, row by row.
        let inputs: [[Int]]
        let probabilities: [[Float]]

        enum CodingKeys: String, CodingKey {
            case classes, inputs, probabilities
            case inputScale = "input_scale"
        }
    }

    static func predictions() throws -> Predictions {
        try JSONDecoder().decode(Predictions.self, from: Data(contentsOf: url("predictions.json")))
    }

    /// The network's probabilities for every fixture input, fed as pixel · scale like the tutorial did.
    static func probabilities(of network: Sequential, scale: Float) throws -> [[Float]] {
        let expected = try predictions()
        let input = Tensor(shape: [expected.inputs.count, 48, 48, 1])
        for (index, value) in expected.inputs.joined().enumerated() { input.data[index] = Float(value) * scale }
        let output = network.forward(input, training: false)
        let k = output.sampleCount
        return (0..<expected.inputs.count).map { n in (0..<k).map { output.data[n * k + $0] } }
    }

    /// The largest |ours − Keras| over all probabilities.
    static func largestDifference(_ ours: [[Float]], _ keras: [[Float]]) -> Float {
        zip(ours, keras).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? .infinity
    }
}
