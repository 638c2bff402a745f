import Expression
import NeuralNet
import Testing

/// The fingerprint the browser's disk cache trusts changes with anything that changes the answers.
struct ClassifierFingerprintTests {
    @Test func changesWithWeightsAndAugmentationOnly() throws {
        let model = try ServingParityTests.model()
        let a = try Classifier(model: model, tta: .flip)
        #expect(a.fingerprint == (try a.independentCopy(tta: .flip)).fingerprint, "a copy is the same model")
        #expect(a.fingerprint != (try a.independentCopy(tta: .none)).fingerprint, "another augmentation")
        let other = try ServingParityTests.model()
        let weights = other.network.namedParameters[0].parameter.value
        weights[3] = weights[3].nextUp
        #expect(try Classifier(model: other, tta: .flip).fingerprint != a.fingerprint, "one weight, one ulp")
        var biased = model
        biased.notes[DecisionBias.noteKey] = "0,0,0,0.5,0,0,0"
        #expect(try Classifier(model: biased, tta: .flip).fingerprint != a.fingerprint, "a decision bias")
    }
}
