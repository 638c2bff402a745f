import Foundation
import Testing
@testable import NeuralNet

@Suite("Varying batches")
struct VaryingBatchTests {
    /// The live viewer's pattern: one background thread, batches of 1–6 faces in any order, weights frozen.
    /// Every answer must equal the same face's answer computed alone.
    @Test func batchesOfAnySizeInAnyOrderGiveEachFaceItsOwnAnswer() throws {
        let network = try Sequential(inputShape: [48, 48, 1], layers: [
            .conv(8, 3, useBias: false), .batchNorm(), .relu, .maxPool(size: 2, strides: 2),
            .conv(16, 3, useBias: false), .batchNorm(), .relu, .maxPool(size: 2, strides: 2),
            .conv(16, 3, useBias: false), .batchNorm(), .relu, .maxPool(size: 2, strides: 2),
            .flatten, .dense(7), .softmax,
        ], seed: 3)
        network.prepareForInference()
        var generator = SeededGenerator(seed: 11)
        let faces = (0..<6).map { _ in (0..<(48 * 48)).map { _ in generator.nextUnit() } }
        let alone = faces.map { face -> [Float] in
            network(Tensor(shape: [1, 48, 48, 1], values: face)).array
        }
        var sizes: [Int] = []
        for _ in 0..<200 { sizes.append(1 + Int(generator.next() % 6)) }
        let shared = UncheckedBox(network), order = sizes
        let done = DispatchSemaphore(value: 0)
        let mismatches = UncheckedBox(0)
        let thread = Thread {
            let network = shared.value
            defer { done.signal() }
            for size in order {
                let batch = Tensor(shape: [size, 48, 48, 1], values: Array(faces.prefix(size).joined()))
                let output = network(batch).array
                for n in 0..<size where Array(output[(n * 7)..<((n + 1) * 7)]) != alone[n] {
                    for (a, b) in zip(output[(n * 7)..<((n + 1) * 7)], alone[n]) where abs(a - b) > 1e-5 {
                        mismatches.value += 1
                    }
                }
            }
        }
        thread.start()
        done.wait()
        #expect(mismatches.value == 0)
    }
}

final class UncheckedBox<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
