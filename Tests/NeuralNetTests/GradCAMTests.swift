import NeuralNet
import Testing

/// The class-activation map is honest: a network that reads only one region of its input is explained by a
/// map whose mass lies in that region, wherever the region is, though the input has features everywhere.
@Suite struct GradCAMTests {
    /// Rows and columns, in input pixels of a 16x16 image, of the only region the network's classes read.
    struct Region: CustomTestStringConvertible, Sendable {
        let rows: Range<Int>, columns: Range<Int>
        var testDescription: String { "rows \(rows) columns \(columns)" }
    }

    /// conv → ReLU → max pool (16→8) → conv → BatchNorm → ReLU (the block explained, 8x8) → flatten → dense(3)
    /// → softmax, with the dense weights of every 8x8 cell outside `region` set to zero.
    static func network(readingOnly region: Region, seed: UInt64) throws -> Sequential {
        let network = try Sequential(inputShape: [16, 16, 1], layers: [
            .conv(6, 3), .relu, .maxPool(size: 2, strides: 2), .conv(8, 3, useBias: false), .batchNorm(), .relu,
            .flatten, .dense(3), .softmax,
        ], seed: seed)
        let dense = try #require(network.layers[7] as? Dense)
        let channels = 8
        for cellY in 0..<8 {
            for cellX in 0..<8 where !(region.rows.contains(cellY * 2) && region.columns.contains(cellX * 2)) {
                for c in 0..<channels {
                    for unit in 0..<3 { dense.kernel.value[((cellY * 8 + cellX) * channels + c) * 3 + unit] = 0 }
                }
            }
        }
        return network
    }

    /// Share of the upsampled map's mass inside the region.
    static func massInside(_ region: Region, map: [Float], cam: GradCAM) -> Double {
        let full = GradCAM.upsample(map, height: cam.mapHeight, width: cam.mapWidth, toHeight: 16, toWidth: 16)
        var inside = 0.0, total = 0.0
        for y in 0..<16 {
            for x in 0..<16 {
                total += Double(full[y * 16 + x])
                if region.rows.contains(y) && region.columns.contains(x) { inside += Double(full[y * 16 + x]) }
            }
        }
        return total > 0 ? inside / total : 0
    }

    /// Regions of 4x4 cells of the 8x8 map (a quarter of the picture): the upsampled map spreads each cell
    /// half a cell beyond its edges (smaller regions lose more of their mass that way).
    @Test(arguments: [Region(rows: 2..<10, columns: 6..<14), Region(rows: 8..<16, columns: 0..<8),
                      Region(rows: 4..<12, columns: 4..<12), Region(rows: 0..<8, columns: 8..<16)])
    func mapMassLiesInTheRegionTheNetworkReads(_ region: Region) throws {
        for seed in UInt64(1)...3 {
            let network = try Self.network(readingOnly: region, seed: seed)
            let cam = try GradCAM(network: network)
            #expect(cam.layerIndex == 5, "the ReLU closing the last convolutional block")
            #expect(cam.mapHeight == 8 && cam.mapWidth == 8)
            // Features everywhere: a textured image, so every channel fires all over it.
            let input = Tensor(shape: [2, 16, 16, 1])
            for i in 0..<input.count { input[i] = Float((i * 7919 + Int(seed) * 104729) % 255) / 255 }
            let probe = network.forward(input, training: false)
            let predicted = (0..<2).map { n in (0..<3).max { probe[n * 3 + $0] < probe[n * 3 + $1] }! }
            let (maps, logits) = cam.maps(input, classes: predicted)
            for n in 0..<2 {
                #expect(maps[n].contains { $0 > 0 }, "seed \(seed): an empty map proves nothing")
                let share = Self.massInside(region, map: maps[n], cam: cam)
                #expect(share >= 0.8, "seed \(seed), sample \(n): \(share * 100)% of the map inside the region")
                #expect(logits[n].count == 3)
            }
        }
    }

    /// Against a reference without backward: with a linear head (flatten, dense) the class logit is
    /// Σ_position Σ_channel W[position, channel, class]·A[position, channel] + b, so each position's map value
    /// is max(0, Σ_channel W·A), computed here from the dense weights and the block's activations.
    @Test func mapEqualsTheLinearHeadsContributions() throws {
        let network = try Self.network(readingOnly: Region(rows: 0..<16, columns: 0..<16), seed: 4)
        let cam = try GradCAM(network: network)
        let input = Tensor(shape: [1, 16, 16, 1])
        for i in 0..<input.count { input[i] = Float(i % 13) / 13 }
        var x = input
        for layer in network.layers[...5] { x = layer.forward(x, training: false) }
        let activations = x.array
        let dense = try #require(network.layers[7] as? Dense)
        let expectedLogits = network.logits(input, training: false).array
        let (maps, logits) = cam.maps(input, classes: [2])
        for (a, b) in zip(logits[0], expectedLogits) { #expect(abs(a - b) < 1e-5) }
        var positive = 0
        for p in 0..<64 {
            var sum = 0.0
            for c in 0..<8 { sum += Double(dense.kernel.value[(p * 8 + c) * 3 + 2]) * Double(activations[p * 8 + c]) }
            #expect(abs(Double(maps[0][p]) - max(sum, 0)) < 1e-4, "position \(p)")
            if sum > 0 { positive += 1 }
        }
        #expect(positive > 0 && positive < 64, "both signs occur, so the positive part is tested")
    }

    /// A network that crops its input (as `upper` does) is explained where it looked: the map lands on the
    /// rows it kept, at their place in the input, and the cut rows get nothing.
    @Test func aCroppedNetworkIsExplainedWhereItLooked() throws {
        let network = try Sequential(inputShape: [16, 16, 1], layers: [
            .cropping2D(top: 4, bottom: 6, left: 0, right: 0), .conv(6, 3), .relu, .conv(8, 3, useBias: false), .relu,
            .flatten, .dense(3), .softmax,
        ], seed: 5)
        // The head reads only the kept window's first two rows: input rows 4 and 5.
        let dense = try #require(network.layers[6] as? Dense)
        for row in 2..<6 { for i in 0..<(16 * 8 * 3) { dense.kernel.value[row * 16 * 8 * 3 + i] = 0 } }
        let cam = try GradCAM(network: network)
        #expect(cam.mapHeight == 6 && cam.mapWidth == 16)
        #expect(cam.covered.top == 0.25 && cam.covered.bottom == 0.625 && cam.covered.left == 0 && cam.covered.right == 1)
        let input = Tensor(shape: [1, 16, 16, 1])
        for i in 0..<input.count { input[i] = Float((i * 7919) % 255) / 255 }
        let (maps, _) = cam.maps(input, classes: [1])
        let full = cam.stretched(maps[0], toHeight: 16, toWidth: 16)
        let rowMass = (0..<16).map { y in (0..<16).reduce(0.0) { $0 + Double(full[y * 16 + $1]) } }
        let total = rowMass.reduce(0, +)
        #expect(total > 0, "an empty map proves nothing")
        // Six kept rows stretched over six input rows: cell for cell, so nothing spills.
        #expect(rowMass[0..<4].allSatisfy { $0 == 0 } && rowMass[6...].allSatisfy { $0 == 0 }, "\(rowMass)")
    }

    @Test func refusesNetworksWithoutAConvolution() throws {
        let dense = try Sequential(inputShape: [4], layers: [.dense(3), .softmax])
        #expect(throws: GradCAM.Problem.noConvolution) { try GradCAM(network: dense) }
        let global = try Sequential(inputShape: [8, 8, 1], layers: [.conv(2, 3, strides: 8), .flatten, .dense(2)])
        #expect(throws: GradCAM.Problem.notSpatial(shape: [1, 1, 2])) { try GradCAM(network: global) }
    }

    /// Followed back layer by layer, a head that branches would mix its branches' gradients: refused, not
    /// mis-explained.
    @Test func refusesGraphsThatBranchAboveTheMap() throws {
        #expect(throws: GradCAM.Problem.notAChain) { try GradCAM(network: try Network(GraphNetworkTests.residual)) }
    }

    /// A residual block below the map (as in `EmotionArchitecture.residual`): the activations are the sum of
    /// its two branches, rectified, computed here branch by branch; with global pooling and a dense head each
    /// position's value is max(0, Σ_channel W·A / positions).
    @Test func aResidualBlockIsExplainedAtItsSum() throws {
        let network = try Network(inputShape: [8, 8, 1], layers: [
            .conv(4, 3), .conv(4, 1), .add, .relu, .globalAveragePool, .dense(3), .softmax,
        ], inputs: [[-1], [-1], [0, 1], [2], [3], [4], [5]], seed: 6)
        let cam = try GradCAM(network: network)
        #expect(cam.layerIndex == 3)
        let input = Tensor(shape: [1, 8, 8, 1])
        for i in 0..<input.count { input[i] = Float((i * 7) % 11) / 11 - 0.3 }
        let a = network.layers[0].forward(input, training: false).array
        let b = network.layers[1].forward(input, training: false).array
        let activations = zip(a, b).map { max($0 + $1, 0) }
        let dense = try #require(network.layers[5] as? Dense)
        let (maps, _) = cam.maps(input, classes: [1])
        var positive = 0
        for p in 0..<64 {
            var sum = 0.0
            for c in 0..<4 { sum += Double(dense.kernel.value[c * 3 + 1]) * Double(activations[p * 4 + c]) / 64 }
            #expect(abs(Double(maps[0][p]) - max(sum, 0)) < 1e-5, "position \(p)")
            if sum > 0 { positive += 1 }
        }
        #expect(positive > 0 && positive < 64, "both signs occur, so the positive part is tested")
    }
}
