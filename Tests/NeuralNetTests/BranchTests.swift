import Foundation
import Testing
import TestSupport
@testable import NeuralNet

/// A graph's independent branches (an ensemble's members, the arms of an Inception-like block) run side by
/// side on small batches, one core each: found where they are, and the same bits as layer by layer.
@Suite struct BranchTests {
    static let shape = [6, 6, 1]

    static func member(_ seed: UInt64, filters: Int) throws -> Network {
        try Network(inputShape: shape, layers: [.conv(filters, 3), .batchNorm(), .relu, .maxPool(size: 2, strides: 2),
                                                .conv(8, 3), .relu, .flatten, .dense(4), .softmax], seed: seed)
    }

    /// Two arms from the input, concatenated, then a tail that reads only the join.
    static let arms = Architecture(inputShape: shape, layers: [
        .conv(3, 3), .relu,                 // 0 ← in, 1 ← 0
        .conv(2, 1),                        // 2 ← in
        .concatenate,                       // 3 ← 1, 2
        .globalAveragePool, .dense(4), .softmax,
    ], inputs: [[-1], [0], [-1], [1, 2], [3], [4], [5]])

    @Test func branchesAreFoundWhereTheGraphHasThem() throws {
        let ensemble = try Ensemble.combine([try Self.member(1, filters: 3), try Self.member(2, filters: 5),
                                             try Self.member(3, filters: 4)])
        let perMember = 8  // a member's layers before its Softmax
        #expect(ensemble.branches?.join == ensemble.layers.count - 2)
        #expect(ensemble.branchesSideBySide(batch: 1) == (Compute.threads > 1 ? 3 : 0))
        #expect(ensemble.branchesSideBySide(batch: 64) == (Compute.threads == 3 ? 3 : 0), "uneven branches run layer by layer on large batches")
        #expect(ensemble.branches?.nodes == (0..<3).map { Array($0 * perMember..<($0 + 1) * perMember) })
        let arms = try Network(Self.arms, seed: 1)
        #expect(arms.branches?.join == 3 && arms.branches?.nodes == [[0, 1], [2]])
        // A residual block joins what its arms read: one branch, nothing to run side by side.
        let residual = try Network(inputShape: Self.shape, layers: [.conv(2, 3), .conv(2, 3), .add, .flatten, .dense(3)],
                                   inputs: [[-1], [0], [0, 1], [2], [3]], seed: 1)
        #expect(residual.branches == nil)
        #expect(try Self.member(1, filters: 3).branches == nil)
    }

    @Test func sideBySideGivesTheBitsOfLayerByLayer() throws {
        let networks = [try Ensemble.combine([try Self.member(1, filters: 3), try Self.member(2, filters: 5),
                                              try Self.member(3, filters: 4)]),
                        try Network(Self.arms, seed: 2)]
        for network in networks {
            for batch in [1, 2, 8, 9] {
                let x = TestTensors.random([batch] + Self.shape, seed: UInt64(batch))
                network.runsBranchesSideBySide = true
                let sideBySide = network(x).array
                network.runsBranchesSideBySide = false
                let layerByLayer = network(x).array
                #expect(sideBySide == layerByLayer, "batch \(batch)")
                #expect(!sideBySide.contains { !$0.isFinite })
            }
        }
    }

    /// Training mode too (dropout and batch statistics per branch); gradients still match finite differences.
    @Test func gradientsThroughBranchesRunSideBySideMatchFiniteDifferences() throws {
        let members = try [5, 6].map { seed in
            try Network(inputShape: Self.shape, layers: [.conv(2, 3), .flatten, .dense(4), .softmax], seed: UInt64(seed))
        }
        let ensemble = try Ensemble.combine(members)
        #expect(ensemble.branches != nil)
        GradientCheck(tolerance: 3e-3).checkParameters(of: ensemble, input: TestTensors.random([3] + Self.shape, seed: 7),
                                                       weightSeed: 8)
    }
}
