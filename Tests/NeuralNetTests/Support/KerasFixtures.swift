import Foundation
import NeuralNet
import TestSupport

/// The Keras reference cases in Tests/Fixtures/keras (fixtures.json + fixtures.bin, written by
/// make_fixtures.py; the format is described in the README there). Loaded once per test process.
struct KerasFixtures: Sendable {
    struct TensorEntry: Decodable, Sendable { let shape: [Int]; let offset: Int; let count: Int }

    /// One layer as the script describes it; mapped onto LayerSpec by `spec`.
    struct LayerEntry: Decodable, Sendable {
        let type: String
        let filters: Int?, kernel: [Int]?, strides: Int?, padding: String?, useBias: Bool?
        let epsilon: Float?, momentum: Float?, size: Int?, rate: Float?, units: Int?
        /// Cropping2D's [[top, bottom], [left, right]].
        let cropping: [[Int]]?
    }

    struct WeightEntry: Decodable, Sendable { let layer: Int; let name: String; let tensor: String }

    struct OptimizerEntry: Decodable, Sendable {
        let type: String; let learningRate: Float; let momentum: Float?; let nesterov: Bool?
    }

    struct Step: Decodable, Sendable {
        let loss: String, logits: String
        let gradients: [WeightEntry], weightsAfter: [WeightEntry]
    }

    struct Case: Decodable, Sendable {
        let name: String, kind: String
        let inputShape: [Int]?, layers: [LayerEntry]?, weights: [WeightEntry]?, parameterCount: Int?
        let input: String?, output: String?
        let movingMeanAfter: String?, movingVarianceAfter: String?
        let labels: [Int]?, labelSmoothing: Float?, classWeights: [Float]?
        let logits: String?, loss: String?, gradient: String?
        let optimizer: OptimizerEntry?, steps: [Step]?
    }

    struct Document: Decodable, Sendable {
        let tensorflowVersion: String, kerasVersion: String
        let cases: [Case]
        let tensors: [String: TensorEntry]
    }

    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    let document: Document
    let values: [Float]

    static let folder = TestData.fixtures.appendingPathComponent("keras")

    static let shared: Result<KerasFixtures, any Error> = Result { try KerasFixtures(folder: folder) }

    /// Names of the cases of one kind, for parameterised tests (empty when the files are missing; the
    /// `fixturesArePresent` test fails in that case, so nothing is silently skipped).
    static func caseNames(kind: String) -> [String] {
        ((try? shared.get())?.document.cases ?? []).filter { $0.kind == kind }.map(\.name)
    }

    init(folder: URL) throws {
        let index = folder.appendingPathComponent("fixtures.json")
        let blob = folder.appendingPathComponent("fixtures.bin")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        document = try decoder.decode(Document.self, from: Data(contentsOf: index))
        let bytes = try Data(contentsOf: blob)
        guard bytes.count % 4 == 0 else { throw LoadError(description: "\(blob.path): \(bytes.count) bytes is not whole floats") }
        values = bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        for (name, entry) in document.tensors {
            guard entry.offset >= 0, entry.offset + entry.count <= values.count,
                  entry.shape.reduce(1, *) == entry.count else {
                throw LoadError(description: "\(index.path): tensor \(name) does not fit \(blob.lastPathComponent)")
            }
        }
    }

    func testCase(_ name: String) throws -> Case {
        guard let found = document.cases.first(where: { $0.name == name }) else {
            throw LoadError(description: "no Keras fixture case \(name)")
        }
        return found
    }

    func tensor(_ name: String) throws -> Tensor {
        guard let entry = document.tensors[name] else { throw LoadError(description: "no fixture tensor \(name)") }
        return Tensor(shape: entry.shape, values: Array(values[entry.offset..<(entry.offset + entry.count)]))
    }

    /// Builds the case's network (seed irrelevant: every weight is then overwritten from the fixture).
    func network(_ testCase: Case) throws -> Sequential {
        guard let shape = testCase.inputShape, let layers = testCase.layers else {
            throw LoadError(description: "case \(testCase.name) has no network")
        }
        let network = try Sequential(inputShape: shape, layers: try layers.map(Self.spec))
        for weight in testCase.weights ?? [] {
            let values = try tensor(weight.tensor)
            guard let parameter = network.layers[weight.layer].parameters.first(where: { $0.name == weight.name }),
                  parameter.value.shape == values.shape else {
                throw LoadError(description: "\(testCase.name): layer \(weight.layer) has no \(weight.name) of shape \(values.shape)")
            }
            parameter.value.copy(from: values)
        }
        return network
    }

    func parameter(_ network: Sequential, _ weight: WeightEntry) throws -> Parameter {
        guard let parameter = network.layers[weight.layer].parameters.first(where: { $0.name == weight.name }) else {
            throw LoadError(description: "layer \(weight.layer) has no \(weight.name)")
        }
        return parameter
    }

    static func spec(_ layer: LayerEntry) throws -> LayerSpec {
        func need<T>(_ value: T?) throws -> T {
            guard let value else { throw LoadError(description: "layer \(layer.type) misses a field") }
            return value
        }
        switch layer.type {
        case "conv2d":
            guard let padding = LayerSpec.Padding(rawValue: try need(layer.padding)) else {
                throw LoadError(description: "padding \(layer.padding ?? "")")
            }
            return .conv2D(filters: try need(layer.filters), kernel: try need(layer.kernel),
                           strides: try need(layer.strides), padding: padding, useBias: try need(layer.useBias))
        case "batchnorm": return .batchNorm(epsilon: try need(layer.epsilon), momentum: try need(layer.momentum))
        case "relu": return .relu
        case "maxpool": return .maxPool(size: try need(layer.size), strides: try need(layer.strides))
        case "avgpool": return .averagePool(size: try need(layer.size), strides: try need(layer.strides))
        case "globalavgpool": return .globalAveragePool
        case "dropout": return .dropout(rate: try need(layer.rate))
        case "flatten": return .flatten
        case "dense": return .dense(units: try need(layer.units), useBias: try need(layer.useBias))
        case "softmax": return .softmax
        case "cropping2d":
            let cropping = try need(layer.cropping)
            guard cropping.count == 2, cropping.allSatisfy({ $0.count == 2 }) else {
                throw LoadError(description: "cropping \(cropping)")
            }
            return .cropping2D(top: cropping[0][0], bottom: cropping[0][1], left: cropping[1][0], right: cropping[1][1])
        default: throw LoadError(description: "unknown layer type \(layer.type)")
        }
    }
}

/// Element-wise closeness |a − e| ≤ absolute + relative·|e|; returns the worst offender for messages.
struct Closeness: CustomStringConvertible {
    let worstIndex: Int
    let actual: Float, expected: Float
    let passes: Bool
    let maxRelative: Double
    var description: String { "worst element \(worstIndex): \(actual) vs Keras \(expected) (max rel. error \(maxRelative))" }

    init(_ actual: Tensor, _ expected: Tensor, relative: Double = 1e-4, absolute: Double = 1e-5) {
        var worst = 0, worstExcess = -Double.infinity, maxRelative = 0.0
        var passes = actual.count == expected.count
        for i in 0..<min(actual.count, expected.count) {
            let difference = abs(Double(actual[i]) - Double(expected[i]))
            let allowed = absolute + relative * abs(Double(expected[i]))
            maxRelative = max(maxRelative, difference / max(abs(Double(expected[i])), 1e-3))
            if difference - allowed > worstExcess { worstExcess = difference - allowed; worst = i }
            if difference > allowed { passes = false }
        }
        worstIndex = worst
        self.actual = worst < actual.count ? actual[worst] : .nan
        self.expected = worst < expected.count ? expected[worst] : .nan
        self.passes = passes
        self.maxRelative = maxRelative
    }
}
