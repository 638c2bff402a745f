import Expression
import Foundation
import NeuralNet
import Testing
import TestSupport

/// Issue 16, item 9: a model that can only give NaN is refused when it is loaded, naming the file and the
/// tensor, instead of printing "angry [angry -nan, …]".
@Suite("Models that give NaN")
struct NonFiniteModelTests {
    static func model(normalization: InputNormalization = .unitRange) throws -> ModelFile {
        let network = try Sequential(EmotionArchitecture.tiny.architecture, seed: 4)
        return ModelFile(network: network, classNames: Emotion.classNames, normalization: normalization)
    }

    @Test func aNegativeVarianceIsRefusedOnLoad() throws {
        let folder = try TestData.temporaryDirectory("nan")
        let url = folder.appendingPathComponent("m.safetensors")
        let file = try Self.model()
        let variance = try #require(file.network.namedParameters.first { $0.parameter.name == "moving_variance" })
        variance.parameter.value[0] = -1
        try file.save(to: url)
        let error = try #require(throws: ModelFileError.self) { try ModelFile.load(url) }
        #expect(error.path == url.path && error.problem.contains(variance.name) && error.problem.contains("negative variance"), "\(error)")
    }

    @Test func anOverflowingNormalisationIsRefusedOnLoad() throws {
        let folder = try TestData.temporaryDirectory("nan")
        let url = folder.appendingPathComponent("m.safetensors")
        try Self.model(normalization: InputNormalization(scale: 3e38, offset: 0)).save(to: url)
        let error = try #require(throws: ModelFileError.self) { try ModelFile.load(url) }
        #expect(error.problem.contains("normalisation"), "\(error)")
    }

    /// Each weight finite, together overflowing: the classifier refuses the model before the first face.
    @Test func finiteWeightsThatOverflowAreRefusedByTheClassifier() throws {
        let folder = try TestData.temporaryDirectory("nan")
        let url = folder.appendingPathComponent("m.safetensors")
        let file = try Self.model()
        for (_, parameter) in file.network.namedParameters where parameter.name == "kernel" {
            parameter.value.fill(3e38)
        }
        try file.save(to: url)
        let error = try #require(throws: ModelFileError.self) { try Classifier(contentsOf: url) }
        #expect(error.path == url.path && error.problem.contains("NaN"), "\(error)")
    }
}

/// The size limits (issue 16, item 1) leave room for every architecture Emoscope trains.
@Test func everyArchitectureFitsTheNetworkLimits() throws {
    for architecture in EmotionArchitecture.allCases {
        let shape = architecture.architecture
        let totals = try NetworkLimits.check(inputShape: shape.inputShape, layers: shape.layers, inputs: shape.inputs)
        #expect(totals.parameters * 10 < NetworkLimits.maximumParameters, "\(architecture)")
        #expect(totals.multiplyAccumulatesPerSample * 10 < NetworkLimits.maximumMultiplyAccumulates, "\(architecture)")
    }
}
