import Foundation
import NeuralNet
import Testing
import TestSupport

/// Ensembles as one network (`Ensemble`, `EnsembleMean`): the mean of the members' probabilities, checked
/// against Double loops; gradients through the join against finite differences; members taken apart again.
@Suite struct EnsembleTests {
    static let shape = [6, 6, 1]

    /// A small classifier; `seed` gives each member its own weights.
    static func member(_ seed: UInt64, filters: Int = 3) throws -> Network {
        try Network(inputShape: shape, layers: [.conv(filters, 3), .relu, .maxPool(size: 2, strides: 2), .flatten,
                                                .dense(4), .softmax], seed: seed)
    }

    static func rows(_ t: Tensor) -> [[Double]] {
        let k = t.sampleCount
        return (0..<t.batchSize).map { n in (0..<k).map { Double(t[n * k + $0]) } }
    }

    @Test func probabilitiesAreTheMeanOfTheMembers() throws {
        let members = [try Self.member(1), try Self.member(2, filters: 5), try Self.member(3)]
        let ensemble = try Ensemble.combine(members)
        #expect(!ensemble.isChain && ensemble.outputShape == [4])
        let x = TestTensors.random([5] + Self.shape, seed: 4)
        let each = members.map { Self.rows($0(x)) }
        let probabilities = Self.rows(ensemble(x)), logits = Self.rows(ensemble.logits(x, training: false))
        for n in 0..<5 {
            for c in 0..<4 {
                let mean = each.reduce(0) { $0 + $1[n][c] } / 3
                #expect(abs(probabilities[n][c] - mean) < 1e-6, "p[\(n)][\(c)]")
                #expect(abs(logits[n][c] - log(mean)) < 1e-5, "logit[\(n)][\(c)]")
            }
        }
    }

    @Test func gradientsThroughTheJoinMatchFiniteDifferences() throws {
        // Smooth members (no ReLU or max pool kinks for the differences to straddle).
        let members = try [5, 6].map { seed in
            try Network(inputShape: Self.shape, layers: [.conv(2, 3), .flatten, .dense(4), .softmax], seed: UInt64(seed))
        }
        let ensemble = try Ensemble.combine(members)
        GradientCheck(tolerance: 3e-3).checkParameters(of: ensemble, input: TestTensors.random([3] + Self.shape, seed: 7),
                                                       weightSeed: 8)
    }

    /// Members taken out of an ensemble compute what they computed before; an ensemble joining an ensemble
    /// is flat (three members, not two).
    @Test func membersComeApartAndNestingFlattens() throws {
        let members = [try Self.member(9), try Self.member(10, filters: 2)]
        let ensemble = try Ensemble.combine(members)
        let x = TestTensors.random([3] + Self.shape, seed: 11)
        let apart = try #require(Ensemble.members(of: ensemble))
        #expect(apart.count == 2)
        for (a, b) in zip(apart, members) {
            #expect(a.isChain && a.architecture == b.architecture)
            #expect(a(x).array == b(x).array)
        }
        let three = try Ensemble.combine([ensemble, try Self.member(12)])
        #expect(Ensemble.members(of: three)?.count == 3)
        #expect(Ensemble.members(of: members[0]) == nil)
        #expect(Ensemble.members(of: try Network(GraphNetworkTests.residual)) == nil)
    }

    /// A class every member rules out still gets a finite logit, and finite gradients.
    @Test func aClassNoMemberGivesStaysFinite() throws {
        let members = [try Self.member(13), try Self.member(14)]
        for member in members {
            let bias = member.layers[4].parameters.first { $0.name == "bias" }!
            bias.value[2] = -1e4
        }
        let ensemble = try Ensemble.combine(members)
        let x = TestTensors.random([2] + Self.shape, seed: 15)
        let logits = ensemble.logits(x, training: true)
        let finiteLogits = logits.array.allSatisfy { $0.isFinite }
        #expect(finiteLogits)
        let gradient = Tensor(shape: logits.shape, values: [Float](repeating: 1, count: logits.count))
        ensemble.backwardFromLogits(gradient)
        let finiteGradients = ensemble.trainableParameters.allSatisfy { p in p.gradient.array.allSatisfy { $0.isFinite } }
        #expect(finiteGradients)
    }

    @Test func membersThatDoNotFitAreRefused() throws {
        let other = try Network(inputShape: Self.shape, layers: [.flatten, .dense(5), .softmax])
        #expect(throws: NetworkError.self) { try Ensemble.combine([try Self.member(16), other]) }
        #expect(throws: NetworkError.self) { try Ensemble.combine([try Self.member(17)]) }
        let wide = try Network(inputShape: [8, 8, 1], layers: [.flatten, .dense(4), .softmax])
        #expect(throws: NetworkError.self) { try Ensemble.combine([try Self.member(18), wide]) }
    }
}
